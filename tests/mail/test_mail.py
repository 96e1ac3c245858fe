"""E-mail goes out through a real SMTP server the test starts, queued with the change that sent it."""

from __future__ import annotations

import logging

import pytest

from madang import mail
from madang.core.errors import Invalid
from madang.core.settings import Settings
from madang.db import Database
from madang.mail.config import parse_smtp_url
from madang.models import Job
from sqlalchemy import func, select
from tests.factories import run_jobs
from tests.mail.smtp import Inbox, smtp_server


async def test_a_queued_message_arrives_over_smtp_in_korean(db: Database) -> None:
    with smtp_server() as (url, inbox):
        mail.attach(db, Settings(smtp_url=url, contact_email="office@anyang.example", instance_title="마당"))
        async with db.write() as session:
            await mail.send_mail(session, to="minji@example.kr", subject="비밀번호 재설정 안내",
                                 body="안녕하세요, 민지 님.\n아래 링크를 여세요.")
        assert await run_jobs(db) == 1
        [message] = inbox.wait_for(1)
    assert message["To"] == "minji@example.kr"
    assert message["Subject"] == "비밀번호 재설정 안내"
    assert "office@anyang.example" in message["From"]
    assert "아래 링크를 여세요." in Inbox.body(message)


async def test_nothing_is_sent_when_the_transaction_rolls_back(db: Database) -> None:
    with smtp_server() as (url, inbox):
        mail.attach(db, Settings(smtp_url=url))
        with pytest.raises(RuntimeError):
            async with db.write() as session:
                await mail.send_mail(session, to="minji@example.kr", subject="제목", body="본문")
                raise RuntimeError("the change that asked for the mail failed")
        assert await run_jobs(db) == 0
    assert inbox.messages == []


async def test_an_unreachable_server_leaves_the_job_to_be_retried(db: Database) -> None:
    with smtp_server() as (url, _inbox):
        pass  # started and stopped: the port now refuses connections
    mail.attach(db, Settings(smtp_url=url))
    async with db.write() as session:
        await mail.send_mail(session, to="minji@example.kr", subject="제목", body="본문")
    await run_jobs(db)
    async with db.read() as session:
        job = await session.scalar(select(Job).where(Job.name == mail.SEND_JOB))
    assert job is not None and job.state == "pending" and job.attempts == 1 and job.last_error


async def test_without_an_smtp_url_the_message_is_written_to_a_file_not_the_log(db: Database, caplog,  # type: ignore[no-untyped-def]
                                                                                 tmp_path) -> None:
    # Issue 16: no address or link in any log line (docs/ops/logging.md); the operator reads the file.
    mail.attach(db, Settings(smtp_url=None, mail_drop_path=tmp_path / "mail"))
    async with db.write() as session:
        await mail.send_mail(session, to="minji@example.kr", subject="가입 확인", body="http://x/auth/confirm/abc")
    with caplog.at_level(logging.WARNING, logger="madang.mail"):
        await run_jobs(db)
    assert "http://x/auth/confirm/abc" not in caplog.text and "minji@example.kr" not in caplog.text
    [dropped] = (tmp_path / "mail").glob("*.eml")
    assert str(dropped) in caplog.text and dropped.stat().st_mode & 0o077 == 0
    text = dropped.read_text()
    assert "http://x/auth/confirm/abc" in text and "minji@example.kr" in text
    async with db.read() as session:
        done = await session.scalar(select(func.count()).select_from(Job).where(Job.state == "done"))
    assert done == 1


async def test_header_injection_is_refused_and_nothing_is_queued(db: Database) -> None:
    with pytest.raises(Invalid):
        async with db.write() as session:
            await mail.send_mail(session, to="a@b.kr\r\nBcc: everyone@example.kr", subject="x", body="y")
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Job)) == 0


def test_smtp_urls() -> None:
    assert parse_smtp_url("smtp://mail.example:2525").port == 2525
    tls = parse_smtp_url("smtps://user%40x:p%3Ass@mail.example")
    assert (tls.security, tls.port, tls.username, tls.password) == ("tls", 465, "user@x", "p:ss")
    assert parse_smtp_url("smtp+starttls://mail.example").security == "starttls"
    with pytest.raises(Invalid):
        parse_smtp_url("http://mail.example")
