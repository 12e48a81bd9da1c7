"""The OpenAPI document against the API's real answers: schemathesis generates requests for
every operation from the schema the app serves, and each one is sent three times, as an
operator, as an atasan (of Dinsos P3A Kapuas Hulu, SOP 000) and anonymously, to the app's own
WSGI application in-process. No answer may be a 5xx, and every answer must be one the schema
documents, with its content type and its body's schema.

Bounded and repeatable: `MAX_EXAMPLES` per operation and generation mode (valid and invalid
data), with Hypothesis derandomized (a fixed seed), so a run takes well under a minute and
fails the same way twice; every failure is collected and reported at the end. Select it with
`-m schemathesis` (or leave it out with `-m "not schemathesis"`).

Path parameters are mostly real (an existing item, edition, body slug, transition name), so
that the 2xx answers are checked too, not only the 404s of random ids.
"""

from __future__ import annotations

import itertools
import json

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dip.models import FORWARD, ClassificationChange, Edition, Item, Stage
from dip.services import classification
from ppid.models import Body
from tests.helpers import KABUPATEN_UTAMA, edition_at, open_edition, published

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

MAX_EXAMPLES = 8
OPERATOR = "dinsos-p3a-kapuas-hulu.operator"
ATASAN = "dinsos-p3a-kapuas-hulu.atasan"
READS = {
    "GET /api/bodies/",
    "GET /api/items/",
    "GET /api/items/{id}/",
    "GET /api/classification-changes/",
    "GET /api/classification-changes/{id}/",
    "GET /api/editions/",
    "GET /api/editions/{id}/",
    "GET /api/editions/{id}/items/",
    "GET /api/editions/{id}/history/",
    "GET /api/editions/{id}/document/",
    "GET /api/editions/{id}/nota-dinas/",
    "GET /api/public/bodies/",
    "GET /api/public/bodies/{slug}/dip/",
    "GET /api/public/bodies/{slug}/dik/",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def app_schema() -> dict:
    """The schema exactly as /api/schema/ serves it (generated in-process)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)
    return json.loads(OpenApiJsonRenderer().render(document))


_turns, _picks = itertools.count(), itertools.count()


def _pick(value, choices: list):
    """Most generated values become a real one, each in turn; one in four stays as generated,
    so unknown ids and slugs are tried too."""
    if not choices or next(_turns) % 4 == 3:
        return value
    return choices[next(_picks) % len(choices)]


@pytest.fixture
def api_schema(seeded, settings):
    # Throttling is tested elsewhere (tests/ppid/test_security.py); here it would only turn
    # most answers into 429s.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    # A classification change the operator and the atasan see (proposed before their editions
    # take the items into review).
    dinsos = Body.objects.get(slug="dinsos-p3a-kapuas-hulu")
    classification.classification_change_propose(
        item=dinsos.items.order_by("pk").first(),
        user=get_user_model().objects.get(username=OPERATOR),
        to_classification="dikecualikan",
        reason="Uji skema.",
        exemption_ground="i",
        consequence_if_opened="Mengganggu pembahasan.",
        consequence_if_closed="Publik menunggu.",
        public_interest="Diumumkan setelah final.",
        exemption_event="Sampai kebijakan ditetapkan",
    )
    published("disdukcapil-kalbar")  # a DIP
    published("disdukcapil-kubu-raya")  # a DIK
    # The operator's and the atasan's own: one just opened, one waiting for the signature
    # (with its Nota Dinas), one published with its signed PDF.
    open_edition(Body.objects.get(slug="dinsos-p3a-kapuas-hulu"), title="Uji skema")
    edition_at("dinsos-p3a-kapuas-hulu", Stage.APPROVAL, year=2025)
    published("dinsos-p3a-kapuas-hulu", year=2024)

    from ppid.wsgi import application

    schema = schemathesis.openapi.from_dict(app_schema())
    schema.app = application
    # As Django's test client does: the test's transaction keeps its connection between
    # requests (the WSGI handler would close it when each request finishes).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    @schema.hook
    def map_path_parameters(context, path_parameters):
        if not path_parameters:
            return path_parameters
        path = context.operation.path
        for name, value in path_parameters.items():
            if name == "slug":
                choices = list(Body.objects.order_by("pk").values_list("slug", flat=True))
            elif name == "id" and path.startswith("/api/items/"):
                choices = list(Item.objects.order_by("pk").values_list("pk", flat=True))
            elif name == "id" and path.startswith("/api/classification-changes/"):
                choices = list(
                    ClassificationChange.objects.order_by("pk").values_list("pk", flat=True)
                )
            elif name == "id":
                choices = list(Edition.objects.order_by("pk").values_list("pk", flat=True))
            elif name == "item_id":
                choices = list(Item.objects.order_by("pk").values_list("pk", flat=True))
            elif name == "name":
                choices = sorted(set(FORWARD.values()) | {"return"})
            else:
                continue
            path_parameters[name] = _pick(value, choices)
        return path_parameters

    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def credentials() -> list[dict[str, str]]:
    """Each case's three callers: the operator's and the atasan's tokens (a new one if a case
    revoked it) and no credential."""
    users = get_user_model().objects.filter(username__in=[OPERATOR, ATASAN]).order_by("username")
    tokens = [Token.objects.get_or_create(user=user)[0].key for user in users]
    assert len(tokens) == 2
    return [{"Authorization": f"Token {key}"} for key in tokens] + [{}]


def described(failure: BaseException, case) -> str:
    if isinstance(failure, BaseExceptionGroup):
        found = "; ".join(f"{f.title}: {f.message}" for f in failure.exceptions)
    else:
        found = f"{type(failure).__name__}: {failure}"
    return f"{found}\n    {case.as_curl_command()}"


def run_operation(
    operation, mode: GenerationMode, statuses: dict[str, set[int]], callers=None
) -> list[str]:
    """Run the operation's generated cases as the three callers (or `callers()`'s); the
    failures as text."""
    callers = callers or credentials
    found: list[str] = []

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same examples on every run
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for headers in callers():
            who = headers.get("Authorization", "anonymous")[:12]
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # all reported together
                found.append(f"{operation.label} [{mode.value}, {who}]: {described(failure, case)}")
            else:
                statuses.setdefault(operation.label, set()).add(response.status_code)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, no body).
        assert mode == GenerationMode.NEGATIVE, operation.label
    return found


@pytest.mark.filterwarnings("ignore::django.core.cache.CacheKeyWarning")
def test_every_answer_is_one_the_schema_documents(api_schema):
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += run_operation(operation, mode, statuses)
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    # The answers were real ones, not only refusals: every read succeeded at least once.
    succeeded = {label for label, codes in statuses.items() if any(c < 300 for c in codes)}
    assert succeeded >= READS, statuses


def test_the_aggregator_pull_answers_as_documented_to_a_ppid_utama(api_schema):
    """The pull's 200 answers (only a PPID Utama gets one), checked against the schema."""
    utama = get_user_model().objects.get(username=KABUPATEN_UTAMA["pemkab-kapuas-hulu"])
    key = Token.objects.get_or_create(user=utama)[0].key
    operation = api_schema["/api/aggregator/rows/"]["GET"]
    statuses: dict[str, set[int]] = {}
    failures: list[str] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        failures += run_operation(
            operation, mode, statuses, callers=lambda: [{"Authorization": f"Token {key}"}]
        )
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    assert 200 in statuses[operation.label], statuses
