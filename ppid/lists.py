"""How the API's lists are paged and filtered (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS and
DEFAULT_FILTER_BACKENDS). DRF imports this module while it defines its generic views, so it
imports neither rest_framework.generics nor rest_framework.views."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import pagination, serializers
from rest_framework.filters import BaseFilterBackend


class Pagination(pagination.PageNumberPagination):
    """Every list of the API: `?page=` (from 1) and `?page_size=` (default REST_FRAMEWORK's
    PAGE_SIZE, at most max_page_size), answered as {count, next, previous, results}."""

    page_size_query_param = "page_size"
    max_page_size = 200


class ListFilter(serializers.Serializer):
    """The query-string filters of one list, validated like a request body: a value the list
    cannot take is a 400 naming the field (never an empty list). An empty value is no filter.
    Subclasses declare the fields and `filter()`; the view names it as `list_filter` and
    documents it with `extend_schema(parameters=[TheFilter])`."""

    def filter(self, queryset):
        raise NotImplementedError


class ListFilterBackend(BaseFilterBackend):
    """Applies the view's `list_filter` to its list only: a detail URL is never filtered (the
    same object answers whatever query string comes with it)."""

    def filter_queryset(self, request, queryset, view):
        list_filter = getattr(view, "list_filter", None)
        if list_filter is None or getattr(view, "action", None) != "list":
            return queryset
        values = {key: value for key, value in request.query_params.items() if value != ""}
        form = list_filter(data=values, context={"request": request})
        form.is_valid(raise_exception=True)
        return form.filter(queryset)


class ChoiceFilter(serializers.ChoiceField):
    """A choice whose error names the values allowed."""

    default_error_messages = {"invalid_choice": gettext_lazy("“{input}” is not one of: {allowed}.")}

    def to_internal_value(self, data):
        if str(data) not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=data, allowed=", ".join(map(str, self.choices)))
        return super().to_internal_value(data)
