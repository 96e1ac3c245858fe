"""`madang desk …`: an organisation's departments, its desk staff and office closures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from madang.cli_runner import run_on_database
from madang.db import Database

desk_app = typer.Typer(help="The 민원 desk: departments, staff, closures.", no_args_is_help=True)
departments_app = typer.Typer(help="An organisation's departments.", no_args_is_help=True)
staff_app = typer.Typer(help="An organisation's desk staff and their roles.", no_args_is_help=True)
closures_app = typer.Typer(help="Days the office is closed beyond the public holidays.", no_args_is_help=True)
contacts_app = typer.Typer(help="Phone numbers and e-mail addresses the organisation publishes (never masked).",
                           no_args_is_help=True)
desk_app.add_typer(departments_app, name="departments")
desk_app.add_typer(staff_app, name="staff")
desk_app.add_typer(closures_app, name="closures")
desk_app.add_typer(contacts_app, name="contacts")
console = Console()
T = TypeVar("T")


def _run(fn: Callable[[Database], Awaitable[T]]) -> T:
    return run_on_database(fn, console)


@departments_app.command("add")
def departments_add(
    organisation: str, code: str, name: str,
    position: Annotated[int | None, typer.Option(help="order in lists (default: last)")] = None,
) -> None:
    """Add a department (CODE: short and without spaces, NAME: as shown, e.g. 교통)."""
    from madang.desk.organisations import add_department, get_organisation

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation)
            await add_department(session, organisation=org, name=name, code=code, position=position)

    _run(go)
    console.print(f"@{organisation.lstrip('@')}: 부서 {name} ({code}) 추가")


@departments_app.command("list")
def departments_list(organisation: str) -> None:
    """List the organisation's departments."""
    from madang.desk.organisations import get_organisation, list_departments

    async def go(db: Database):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            org = await get_organisation(session, organisation)
            return await list_departments(session, organisation_id=org.id, include_inactive=True)

    table = Table()
    for col in ("code", "name", "position", "active"):
        table.add_column(col)
    for d in _run(go):
        table.add_row(d.code, d.name, str(d.position), "yes" if d.active else "no")
    console.print(table)


@staff_app.command("add")
def staff_add(
    organisation: str, username: str,
    role: Annotated[str, typer.Option(help="office_admin, triager, officer or read_only")],
    department: Annotated[str | None, typer.Option(help="the department's code (officers need one)")] = None,
    office_role: Annotated[str | None, typer.Option(help="publisher, approver, responder or read_only (issue 7)")] = None,
) -> None:
    """Make a local account a member of the organisation's desk staff."""
    from madang.accounts import find_account_by_acct
    from madang.core.errors import NotFound
    from madang.desk.organisations import add_staff, get_department, get_organisation

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation)
            account = await find_account_by_acct(session, username.lstrip("@"))
            if account is None:
                raise NotFound(f"@{username.lstrip('@')} 계정이 없습니다")
            dept = await get_department(session, organisation_id=org.id, code=department) if department else None
            await add_staff(session, organisation=org, account=account, role=role, department=dept)
            if office_role:
                from madang.office.roles import assign_office_role

                await assign_office_role(session, organisation=org, account=account, office_role=office_role)

    _run(go)
    console.print(f"@{organisation.lstrip('@')}: @{username.lstrip('@')} {role} 등록")


@staff_app.command("list")
def staff_list(organisation: str) -> None:
    """List the organisation's desk staff."""
    from madang.desk.organisations import get_organisation, list_departments, list_staff

    async def go(db: Database):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            org = await get_organisation(session, organisation)
            departments = {d.id: d.code for d in await list_departments(session, organisation_id=org.id,
                                                                         include_inactive=True)}
            return [(a.username, m.role, departments.get(m.department_id, "") if m.department_id else "",
                     m.office_role or "") for m, a in await list_staff(session, organisation_id=org.id)]

    table = Table()
    for col in ("username", "role", "department", "office_role"):
        table.add_column(col)
    for row in _run(go):
        table.add_row(*row)
    console.print(table)


@staff_app.command("office-role")
def staff_office_role(
    organisation: str, username: str,
    office_role: Annotated[str, typer.Option(help="publisher, approver, responder, read_only or none")],
) -> None:
    """Give a staff member an office role: who posts as the organisation, approves, answers."""
    from madang.accounts import find_account_by_acct
    from madang.core.errors import NotFound
    from madang.desk.organisations import get_organisation
    from madang.office.roles import assign_office_role

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation)
            account = await find_account_by_acct(session, username.lstrip("@"))
            if account is None:
                raise NotFound(f"@{username.lstrip('@')} 계정이 없습니다")
            await assign_office_role(session, organisation=org, account=account, office_role=office_role)

    _run(go)
    console.print(f"@{organisation.lstrip('@')}: @{username.lstrip('@')} office role {office_role}")


@desk_app.command("approval")
def approval(
    organisation: str,
    required: Annotated[bool, typer.Option("--on/--off", help="drafts need an approver before they go out")],
) -> None:
    """Whether the organisation's posts need an approver (issue 7)."""
    from madang.desk.organisations import get_organisation
    from madang.office.approval import set_approval_required

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation)
            await set_approval_required(session, organisation=org, staff=None, required=required)

    _run(go)
    console.print(f"@{organisation.lstrip('@')}: approval {'on' if required else 'off'}")


@closures_app.command("add")
def closures_add(
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")], name: str,
    organisation: Annotated[str | None, typer.Option(help="only this organisation's desk (default: every desk)")]
    = None,
) -> None:
    """Add a closure: deadlines skip the day like a public holiday."""
    from madang.desk.organisations import add_closure, get_organisation

    try:
        when = date.fromisoformat(day)
    except ValueError:
        console.print(f"[red]날짜는 YYYY-MM-DD 형식이어야 합니다: {day}[/red]")
        raise typer.Exit(1) from None

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation) if organisation else None
            await add_closure(session, day=when, name=name, organisation=org)

    _run(go)
    console.print(f"휴무일 {when.isoformat()} {name} 추가")


@contacts_app.command("add")
def contacts_add(
    organisation: str, value: str,
    department: Annotated[str | None, typer.Option(help="a department's code (default: the whole organisation)")] = None,
) -> None:
    """Publish a contact (VALUE: one phone number or e-mail address, e.g. 031-8045-0000)."""
    from madang.core.errors import NotFound
    from madang.desk.organisations import find_department, get_organisation
    from madang.desk.published_contacts import add_contact

    async def go(db: Database) -> None:
        async with db.write() as session:
            org = await get_organisation(session, organisation)
            dept = None
            if department:
                dept = await find_department(session, organisation_id=org.id, code=department)
                if dept is None:
                    raise NotFound(f"부서 코드 {department}이(가) 없습니다", field="department")
            await add_contact(session, organisation=org, staff=None, value=value,
                              department_id=dept.id if dept else None)

    _run(go)
    console.print(f"@{organisation.lstrip('@')}: 공개 연락처 {value} 추가")


@contacts_app.command("list")
def contacts_list(organisation: str) -> None:
    """List the contacts the organisation publishes."""
    from madang.desk.organisations import get_organisation, list_departments
    from madang.desk.published_contacts import list_contacts

    async def go(db: Database):  # type: ignore[no-untyped-def]
        async with db.read() as session:
            org = await get_organisation(session, organisation)
            names = {d.id: d.code for d in await list_departments(session, organisation_id=org.id,
                                                                   include_inactive=True)}
            return [(c.value, names.get(c.department_id or 0, "")) for c in
                    await list_contacts(session, organisation=org, staff=None)]

    table = Table()
    for col in ("value", "department"):
        table.add_column(col)
    for value, dept in _run(go):
        table.add_row(value, dept)
    console.print(table)
