"""The consented client export as a PDF: what a client receives about a proposed candidate.

It holds exactly the candidates service's export (the sections the candidate agreed to share
for this assignment, nothing more), laid out for a person to read. The core PDF fonts need
no font files; they cover Windows-1252, so Dutch text is kept as typed and anything beyond it
is written in its nearest plain letters.
"""

import unicodedata
from datetime import datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import i18n

ENCODING = "cp1252"
# The order of the export's fields in the document; any other field follows at the end.
ORDER = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "birth_date",
    "birth_place",
    "gender",
    "work_experience",
    "education",
    "internships",
    "trainings",
    "tests",
    "languages",
    "availability",
    "leave",
    "references",
    "testimonials",
)
NAME = ("first_name", "last_name")


def printable(value: object) -> str:
    """Text the core fonts can show: accents kept, other letters reduced to plain ones."""
    out = []
    for ch in str(value):
        try:
            ch.encode(ENCODING)
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def label(t: Any, key: str) -> str:
    found = t(f"pdf_{key}")
    return found if found != f"pdf_{key}" else key.replace("_", " ").capitalize()


def shown(t: Any, key: str, value: object) -> str:
    """One value as a reader wants it: yes/no in words, a gender in words, lists joined."""
    if isinstance(value, bool):
        return t("pdf_yes") if value else t("pdf_no")
    if key == "gender" and isinstance(value, str):
        return label(t, f"gender_{value}")
    if isinstance(value, list):
        return ", ".join(str(v).upper() if key == "languages" else str(v) for v in value)
    return str(value)


def entry_line(t: Any, entry: dict[str, Any]) -> str:
    """An education, job or reference as one readable line: what, where, when, and the rest."""
    when = ""
    if entry.get("start") or entry.get("end"):
        when = f"{entry.get('start') or '?'} - {entry.get('end') or t('pdf_now')}"
    parts = [
        shown(t, k, v)
        for k, v in entry.items()
        if k not in ("start", "end", "description") and v not in (None, "", [])
    ]
    line = " · ".join(p for p in (*parts, when) if p)
    if entry.get("description"):
        line += f"\n{entry['description']}"
    return line


def client_export_pdf(export: dict[str, Any], vacancy: str, client: str, lang: str) -> bytes:
    """The export (`profile` of candidates' client export, with its `exported_at`) as a PDF."""
    t = i18n.translator(lang)
    profile: dict[str, Any] = export.get("profile") or {}
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(printable(t("pdf_title")))
    pdf.set_creator("Allegro Talent")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def write(text: str, size: float = 10.5, style: str = "", gap: float = 0) -> None:
        pdf.set_font("helvetica", style=style, size=size)
        pdf.multi_cell(
            0, size * 0.5, printable(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if gap:
            pdf.ln(gap)

    write("Allegro Talent", 9, "B")
    write(t("pdf_title"), 18, "B", 2)
    name = " ".join(str(profile[k]) for k in NAME if profile.get(k))
    write(name or t("pdf_name_not_shared"), 14, "B", 1)
    write(f"{t('pdf_for')}: {client} · {vacancy}", 10.5, "", 1)
    exported = str(export.get("exported_at") or "")
    try:
        exported = datetime.fromisoformat(exported).strftime("%Y-%m-%d")
    except ValueError:
        pass
    write(t("pdf_consent_line").format(date=exported), 9, "I", 4)

    rest = [k for k in profile if k not in ORDER and k != "candidate_ref"]
    for key in (*ORDER, *rest):
        if key in NAME or profile.get(key) in (None, "", [], {}):
            continue
        value = profile[key]
        if isinstance(value, dict):
            write(label(t, key), 12, "B")
            for k, v in value.items():
                if v not in (None, "", []):
                    write(f"{label(t, k)}: {shown(t, k, v)}")
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            write(label(t, key), 12, "B")
            for entry in value:
                if isinstance(entry, dict):
                    write(f"- {entry_line(t, entry)}")
        else:
            write(f"{label(t, key)}: {shown(t, key, value)}", 10.5, "")
            continue
        pdf.ln(2)
    pdf.ln(4)
    write(f"{t('pdf_reference')}: {export.get('export_id', '')}", 8)
    write(t("pdf_confidential"), 8, "I")
    return bytes(pdf.output())
