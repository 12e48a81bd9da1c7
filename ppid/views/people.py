"""People management: the PPID Utama manages the officers of their bodies, a body's PPID its
operators. Every change goes through ppid.services (audited) after a confirmation page; a body
outside the caller's reach is 404, an action outside their rights 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ppid import services, twofactor
from ppid.forms import OfficerForm, RoleGrantForm, add_service_errors
from ppid.models import Body, Role
from ppid.permissions import (
    STAFF_ROLES,
    deactivatable,
    grantable_roles,
    grantable_roles_many,
    may_deactivate,
    may_manage_people,
)
from ppid.selectors import bodies_for_user, bodies_managed_by, officer_in_body, role_holders

User = get_user_model()


def _body(request: HttpRequest, slug: str) -> tuple[Body, frozenset[Role]]:
    """A body whose people the caller manages, with the roles they may grant there: 403 in
    their own body when they manage no one there, 404 for any body they hold no role in."""
    visible = bodies_managed_by(request.user) | bodies_for_user(request.user)
    body = get_object_or_404(visible.select_related("parent"), slug=slug)
    roles = grantable_roles(request.user, body)
    if not roles:
        raise PermissionDenied
    return body, roles


def _visible(roles: frozenset[Role]) -> frozenset[Role]:
    """A PPID Utama sees everyone in the body; a PPID the operators only."""
    return frozenset(Role) if roles >= STAFF_ROLES else roles


def _officer(body: Body, roles: frozenset[Role], user_id: int):
    """An officer the caller sees in the body (404 otherwise)."""
    user = officer_in_body(body, user_id, _visible(roles))
    if user is None:
        raise Http404
    return user


@login_required
def people(request):
    if not may_manage_people(request.user):
        raise PermissionDenied
    bodies = list(bodies_managed_by(request.user).select_related("parent").order_by("name"))
    grantable = grantable_roles_many(request.user, bodies)
    order = list(Role)
    rows = [(body, sorted(grantable[body.pk], key=order.index)) for body in bodies]
    return render(request, "ppid/people.html", {"rows": rows})


@login_required
def body_people(request, slug):
    body, roles = _body(request, slug)
    officers = role_holders(body, _visible(roles))
    everyone = roles >= STAFF_ROLES
    may_deactivate_ids = (
        deactivatable(request.user, [user for user, _held in officers]) if everyone else set()
    )
    rows = [
        {
            "user": user,
            "roles": held,
            "revocable": [role for role in held if role in roles],
            "may_deactivate": user.pk in may_deactivate_ids,
            "invited": not user.has_usable_password(),
        }
        for user, held in officers
    ]
    return render(
        request,
        "ppid/body_people.html",
        {"body": body, "rows": rows, "roles": roles, "manages_everyone": everyone},
    )


def _officer_form_view(request, slug: str, *, invite: bool):
    body, roles = _body(request, slug)
    form = OfficerForm(request.POST or None, roles=roles, invite=invite)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.officer_create(
                actor=request.user,
                body=body,
                role=data["role"],
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                position=data["position"],
                nip=data["nip"],
                password=None if invite else data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if invite:
                text = _("%(name)s is invited: the link to choose a password goes to %(email)s.")
            else:
                text = _("%(name)s can now sign in as %(username)s.")
            messages.success(
                request,
                text
                % {
                    "name": user.get_full_name(),
                    "email": user.email,
                    "username": user.get_username(),
                },
            )
            return redirect("accounts:body_people", slug=body.slug)
    return render(request, "ppid/officer_form.html", {"body": body, "form": form, "invite": invite})


@login_required
def officer_create(request, slug):
    return _officer_form_view(request, slug, invite=False)


@login_required
def officer_invite(request, slug):
    return _officer_form_view(request, slug, invite=True)


@login_required
def invitation_resend(request, slug, user_id):
    body, roles = _body(request, slug)
    user = _officer(body, roles, user_id)
    if user.has_usable_password():
        messages.info(request, _("%(name)s has already chosen a password.") % _names(user))
        return redirect("accounts:body_people", slug=body.slug)
    if request.method == "POST":
        if not user.email:
            messages.error(request, _("This account has no e-mail address."))
        else:
            services.invitation_resend(user=user, actor=request.user, body=body)
            messages.success(
                request, _("The invitation is sent again to %(email)s.") % _names(user)
            )
        return redirect("accounts:body_people", slug=body.slug)
    return _confirm(
        request,
        body,
        title=_("Send the invitation again"),
        question=_("Send %(name)s a new link to choose a password, to %(email)s?") % _names(user),
        button=_("Yes, send it"),
    )


def _names(user) -> dict[str, str]:
    return {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "email": user.email,
    }


def _confirm(request, body: Body, *, title: str, question: str, button: str, danger=False):
    return render(
        request,
        "ppid/confirm.html",
        {"body": body, "title": title, "question": question, "button": button, "danger": danger},
    )


@login_required
def role_grant(request, slug):
    body, roles = _body(request, slug)
    form = RoleGrantForm(
        request.POST or None, roles=roles, initial={"username": request.GET.get("username", "")}
    )
    if request.method == "POST" and form.is_valid():
        role = Role(form.cleaned_data["role"])
        changed = services.role_grant(user=form.user, body=body, role=role, actor=request.user)
        values = {**_names(form.user), "role": role.label, "body": body.name}
        if changed:
            messages.success(request, _("%(name)s is now %(role)s in %(body)s.") % values)
        else:
            messages.info(request, _("%(name)s already was %(role)s in %(body)s.") % values)
        return redirect("accounts:body_people", slug=body.slug)
    return render(request, "ppid/role_grant.html", {"body": body, "form": form})


@login_required
def role_revoke(request, slug, user_id, role):
    body, roles = _body(request, slug)
    try:
        role = Role(role)
    except ValueError:
        raise Http404 from None
    if role not in roles:
        raise PermissionDenied
    user = _officer(body, roles, user_id)
    values = {**_names(user), "role": role.label, "body": body.name}
    if request.method == "POST":
        if services.role_revoke(user=user, body=body, role=role, actor=request.user):
            messages.success(request, _("%(name)s is no longer %(role)s in %(body)s.") % values)
        else:
            messages.info(request, _("Already done: %(name)s was not %(role)s.") % values)
        return redirect("accounts:body_people", slug=body.slug)
    return _confirm(
        request,
        body,
        title=_("Revoke a role"),
        question=_("Revoke the role %(role)s of %(name)s (%(username)s) in %(body)s?") % values,
        button=_("Yes, revoke it"),
        danger=True,
    )


def _account_action(request, slug, user_id, *, deactivate: bool):
    body, roles = _body(request, slug)
    user = _officer(body, roles, user_id)
    if not may_deactivate(request.user, user):
        raise PermissionDenied
    values = _names(user)
    if request.method == "POST":
        if deactivate:
            services.account_deactivate(user=user, actor=request.user, body=body)
            messages.success(request, _("%(name)s can no longer sign in.") % values)
        else:
            services.account_reactivate(user=user, actor=request.user, body=body)
            messages.success(request, _("%(name)s can sign in again.") % values)
        return redirect("accounts:body_people", slug=body.slug)
    if deactivate:
        return _confirm(
            request,
            body,
            title=_("Deactivate an account"),
            question=_(
                "Deactivate the account of %(name)s (%(username)s)? They are signed out "
                "everywhere, their API tokens stop working and they cannot sign in until "
                "the account is reactivated. Their roles stay."
            )
            % values,
            button=_("Yes, deactivate"),
            danger=True,
        )
    return _confirm(
        request,
        body,
        title=_("Reactivate an account"),
        question=_("Let %(name)s (%(username)s) sign in again, with the roles they had?") % values,
        button=_("Yes, reactivate"),
    )


@login_required
def account_deactivate(request, slug, user_id):
    return _account_action(request, slug, user_id, deactivate=True)


@login_required
def account_reactivate(request, slug, user_id):
    return _account_action(request, slug, user_id, deactivate=False)


@login_required
def second_factor_reset(request, slug, user_id):
    body, roles = _body(request, slug)
    user = _officer(body, roles, user_id)
    if not may_deactivate(request.user, user):
        raise PermissionDenied
    if request.method == "POST":
        twofactor.second_factor_reset(user=user, actor=request.user)
        messages.success(
            request,
            _(
                "The second factor of %(name)s is removed; they set up a new one at their next "
                "sign-in."
            )
            % _names(user),
        )
        return redirect("accounts:body_people", slug=body.slug)
    return _confirm(
        request,
        body,
        title=_("Reset the second factor"),
        question=_(
            "Remove the authenticator app and the recovery codes of %(name)s (%(username)s), "
            "for a lost phone? Their API tokens are revoked too."
        )
        % _names(user),
        button=_("Yes, reset"),
        danger=True,
    )
