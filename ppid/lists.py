"""How the API's lists are paged and filtered (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS and
DEFAULT_FILTER_BACKENDS). DRF imports this module while it defines its generic views, so it
imports neither rest_framework.generics nor rest_framework.views."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
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


class PlainListSerializer(serializers.ListSerializer):
    """The rows of a list of a ModelSerializer (`Meta.list_serializer_class`), each plain
    column read straight from its model field. DRF's `Field.get_attribute` walks a dotted
    source and asks of every value of every row whether it is callable: about 0.7 ms of the
    3.3 ms DRF took for a page of 50 items (issue 15). Relations, nested serializers, method
    fields and anything else go DRF's way, and a child with its own `to_representation` is
    left entirely to DRF: the answer is the same (tests/ppid/test_lists.py compares them)."""

    def to_representation(self, data):
        child = self.child
        if type(child).to_representation is not serializers.Serializer.to_representation:
            return super().to_representation(data)
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        plan = getattr(self, "_plan", None)
        if plan is None:  # once, not again for each item's nested list
            plan = [(f.field_name, _column(child, f), f) for f in child._readable_fields]
            self._plan = plan
        answer = []
        for row in rows:
            values = {}
            for name, column, field in plan:
                if column is not None:
                    value = getattr(row, column)
                    values[name] = None if value is None else field.to_representation(value)
                    continue
                try:
                    value = field.get_attribute(row)
                except serializers.SkipField:
                    continue
                empty = value.pk if isinstance(value, serializers.PKOnlyObject) else value
                values[name] = None if empty is None else field.to_representation(value)
            answer.append(values)
        return answer


def _column(serializer: serializers.Serializer, field: serializers.Field) -> str | None:
    """The model column a plain field shows, read with getattr; None for anything else."""
    plain = not isinstance(
        field,
        (
            serializers.BaseSerializer,
            serializers.SerializerMethodField,
            serializers.RelatedField,
            serializers.ManyRelatedField,
        ),
    )
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if not plain or model is None or len(field.source_attrs) != 1:
        return None
    try:
        column = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    return column.attname if column.concrete and not column.is_relation else None
