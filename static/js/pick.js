// The edition picker: "select all" ticks every row shown; the server adds every item that
// matches the search, on every page (the box works without this script too).
document.addEventListener("change", (event) => {
  const all = event.target.closest("#pick-all");
  if (!all) return;
  for (const box of document.querySelectorAll('#pick-rows input[name="items"]')) {
    box.checked = all.checked;
  }
});
