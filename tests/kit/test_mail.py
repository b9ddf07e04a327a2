"""Mail to the agency's relay goes over STARTTLS with a login where configured, and a name
placed in a mail can neither add headers nor carry markup or a link."""

import datetime
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.candidates.domain import renewal_mail
from services.common.mail import message, safe_name, send_mail, send_mails
from services.common.settings import Settings
from services.intake.domain import load_criteria, rejection_mail

USER, PASSWORD = "relay-user", "relay-password-of-some-length"


@dataclass
class Relay:
    port: int
    ca_file: Path
    received: list[dict] = field(default_factory=list)


class Inbox:
    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    async def handle_DATA(self, server, session, envelope) -> str:
        self.relay.received.append(
            {
                "tls": session.ssl is not None,
                "login": session.authenticated and session.auth_data.login.decode(),
                "to": envelope.rcpt_tos,
                "content": envelope.content.decode(),
            }
        )
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for localhost, which the test trusts as its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "relay.crt", tmp / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    """An SMTP relay that speaks STARTTLS and takes no mail and no login before it."""
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    relay = Relay(free_port(), cert_file)
    controller = Controller(
        Inbox(relay),
        hostname="127.0.0.1",
        port=relay.port,
        tls_context=context,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=check_login,
    )
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()


def relay_settings(relay: Relay, **changes: object) -> Settings:
    return Settings(
        **{
            "smtp_host": "localhost",
            "smtp_port": relay.port,
            "smtp_starttls": True,
            "smtp_username": USER,
            "smtp_password": PASSWORD,
            "smtp_ca_file": str(relay.ca_file),
        }
        | changes
    )


async def test_mail_goes_to_the_relay_over_starttls_with_a_login(relay):
    await send_mail(relay_settings(relay), "sanne@example.nl", "Onderwerp", "Hallo")
    [mail] = relay.received
    assert mail["tls"] and mail["login"] == USER and mail["to"] == ["sanne@example.nl"]


async def test_a_relay_whose_certificate_is_not_trusted_gets_no_mail(relay):
    with pytest.raises(ssl.SSLCertVerificationError):
        await send_mail(relay_settings(relay, smtp_ca_file=""), "a@example.nl", "S", "B")
    assert relay.received == []


async def test_a_wrong_relay_password_is_an_error_not_a_silent_loss(relay):
    with pytest.raises(smtplib.SMTPAuthenticationError):
        await send_mail(
            relay_settings(relay, smtp_password="another-password-entirely"), "a@x.nl", "S", "B"
        )
    assert relay.received == []


async def test_an_address_with_a_line_break_adds_no_header(relay):
    with pytest.raises(ValueError):
        await send_mail(relay_settings(relay), "a@example.nl\r\nBcc: all@example.nl", "S", "B")
    assert relay.received == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Sanne", "Sanne"),
        ("Zoë-Anne O'Brien", "Zoë-Anne O'Brien"),
        ("  Jan   Willem ", "Jan Willem"),
        ("Sanne\r\nBcc: all@example.nl", "Sanne Bcc allexamplenl"),
        ("<a href='https://evil.example/x'>Klik hier</a>", "a href'httpsevilexamplex'Klik hiera"),
        ("Win €1000 at www.evil.example", "Win at wwwevilexample"),
        ("<<>>", ""),
        ("x" * 300, "x" * 60),
    ],
)
def test_a_name_in_a_mail_keeps_letters_only(name, shown):
    assert safe_name(name) == shown


def test_the_mails_that_greet_by_name_carry_no_markup_or_link():
    hostile = "<b>Sanne</b> https://evil.example"
    _, rejection = rejection_mail(hostile, load_criteria(), [])
    _, renewal = renewal_mail(
        hostile, "https://allegrotalent.nl/privacy/renew/t", datetime.date.today()
    )
    for body in (rejection, renewal):
        greeting = body.split("\n")[0]
        assert greeting.startswith("Beste bSanneb httpsevilexample")
        assert "<" not in greeting and "evil.example" not in body
    _, nameless = rejection_mail("<<>>", load_criteria(), [])
    assert nameless.startswith("Beste kandidaat,")


class Counting:
    """A plain local relay that refuses one recipient and counts the sessions it served."""

    def __init__(self) -> None:
        self.sessions: set[int] = set()
        self.delivered: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("refused@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.sessions.add(id(session))
        self.delivered += envelope.rcpt_tos
        return "250 OK"


async def test_a_batch_goes_through_one_session_and_a_refused_mail_stops_no_other():
    handler, port = Counting(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port)
        to = ["a@example.nl", "refused@example.nl", "b@example.nl", "c@example.nl"]
        outcomes = await send_mails(
            settings, [message(settings, t, "Onderwerp", "Hallo") for t in to]
        )
    finally:
        controller.stop()
    assert [o is None for o in outcomes] == [True, False, True, True]
    assert isinstance(outcomes[1], smtplib.SMTPRecipientsRefused)
    assert handler.delivered == ["a@example.nl", "b@example.nl", "c@example.nl"]
    assert len(handler.sessions) == 1


async def test_an_unreachable_server_fails_every_mail_of_the_batch():
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port())  # nobody listens
    mails = [message(settings, f"{n}@example.nl", "S", "B") for n in "abc"]
    outcomes = await send_mails(settings, mails)
    assert len(outcomes) == 3 and all(isinstance(o, OSError) for o in outcomes)
