"""How the API's lists are paged and filtered (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS and
DEFAULT_FILTER_BACKENDS). DRF imports this module while it defines its generic views, so it
imports neither rest_framework.generics nor rest_framework.views."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy
from rest_framework import ISO_8601, pagination, serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.settings import api_settings


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


class ValuesListSerializer(serializers.ListSerializer):
    """The rows of a read-only ModelSerializer (`Meta.list_serializer_class`) given a QuerySet,
    read with `QuerySet.values()`: no model instance is built (two a row with a
    `select_related`), and only the columns shown are fetched. Each field reads its `source`:
    a column or an annotation by name, a SlugRelatedField its related column
    (`actor__username`); a SerializerMethodField gets the row with every column and annotation
    as attributes. Date-times are turned into the time zone read once for the list (DRF asks
    for it, and checks the format, at each value). Made for an edition's history (issue 15:
    680 entries took 28 ms of CPU as DRF reads them, 8 so, 4.5 of which the query). Anything
    else (a list, another field kind, a child with its own `to_representation`) goes DRF's
    way: the answer is the same (tests/ppid/test_lists.py)."""

    def to_representation(self, data):
        plan = self._values_plan(data)
        if plan is None:
            return super().to_representation(data)
        fields, columns = plan
        answer = []
        for row in data.values(*columns):
            values = {}
            shown = None
            for name, column, represent in fields:
                if column is None:  # a method field: the row as an object
                    if shown is None:
                        shown = SimpleNamespace(**row)
                    values[name] = represent(shown)
                    continue
                value = row[column]
                values[name] = value if value is None or represent is None else represent(value)
            answer.append(values)
        return answer

    def _values_plan(self, data) -> tuple[list, list[str]] | None:
        child = self.child
        if (
            not isinstance(data, models.QuerySet)
            or data._iterable_class is not models.query.ModelIterable
            or type(child).to_representation is not serializers.Serializer.to_representation
        ):
            return None
        annotations = list(data.query.annotations)
        fields = []
        for field in child._readable_fields:
            column = _values_column(data.model, field, annotations)
            if column is False:
                return None
            represent = field.to_representation
            if isinstance(field, serializers.SlugRelatedField):
                represent = None  # the slug as it is stored (what the field answers)
            elif isinstance(field, serializers.DateTimeField):
                represent = _iso_datetime(field)
            fields.append((field.field_name, column, represent))
        columns = [c for _, c, _ in fields if c is not None]
        return fields, list(dict.fromkeys([*columns, *annotations]))


def _iso_datetime(field: serializers.DateTimeField):
    """`field.to_representation` with the time zone read once: for an aware date-time in
    ISO 8601 (DRF's default), the same text, "Z" for UTC included; anything else goes DRF's
    way."""
    if (
        hasattr(field, "timezone")
        or (getattr(field, "format", api_settings.DATETIME_FORMAT) or "").lower() != ISO_8601
    ):
        return field.to_representation
    zone = field.default_timezone()
    if zone is None:
        return field.to_representation

    def represent(value):
        if not isinstance(value, datetime) or value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _values_column(model, field: serializers.Field, annotations: list[str]) -> str | bool | None:
    """The `values()` name a field reads; None for a method field; False when it cannot be
    read so (the list then goes DRF's way)."""
    if isinstance(field, serializers.SerializerMethodField):
        return None
    if len(field.source_attrs) != 1:
        return False
    source = field.source_attrs[0]
    if isinstance(field, serializers.SlugRelatedField):
        try:
            relation = model._meta.get_field(source)
        except FieldDoesNotExist:
            return False
        plain = relation.many_to_one and "__" not in field.slug_field
        return f"{source}__{field.slug_field}" if plain else False
    if isinstance(
        field,
        (serializers.BaseSerializer, serializers.RelatedField, serializers.ManyRelatedField),
    ):
        return False
    if source in annotations:
        return source
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return source if column.concrete and not column.is_relation else False
