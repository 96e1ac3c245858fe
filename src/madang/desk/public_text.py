"""What an organisation may show or say in public of a case or an answer: personal data masked,
its own published contacts kept (decision 0028). Apart from ``privacy`` (which reads cases) so
that writing a case can mask its description without a cycle."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.desk import Case


def public_description(case: Case) -> str:
    """What a public surface (Open311's GET answers, a public case page) may show of the question:
    masked once, when the case was written (``Case.description_public``)."""
    return case.description_public


async def public_text(
    session: AsyncSession, *, organisation_id: int, text: str, department_id: int | None = None,
) -> str:
    """``text`` as the organisation may say it in public: personal data masked, except the
    contacts the organisation (and the department) publish (decision 0028). Every path that
    speaks for an organisation in public goes through here: desk answers, the office's replies
    and published drafts, a case's stored description."""
    from madang.desk.published_contacts import published_contacts
    from madang.text.personal_data import mask_personal_data  # loaded on first use, as before

    keep = await published_contacts(session, organisation_id=organisation_id, department_id=department_id)
    return mask_personal_data(text, keep=keep)
