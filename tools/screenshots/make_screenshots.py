#!/usr/bin/env python3
"""Draw the lesson illustrations (simplified mock-ups of real screens).

There is no internet in the lab's build machine, and real sites change often, so the pictures in
the starter lessons are small HTML mock-ups rendered to PNG with a headless Chromium. They are
brand-free on purpose: no company logo is copied. The thing to look at or click carries a thick
orange outline.

Each illustration is one function below that returns the HTML for one language; ``SCREENS``
lists them with the lesson id and the file name (the step id + ``.png``, same name in every
language). The CSS shared by all of them is ``mockup.css`` beside this file.

Usage (from the project root, with the project's venv):

    python tools/screenshots/make_screenshots.py                 # every picture, both languages
    python tools/screenshots/make_screenshots.py --lang fr       # French only
    python tools/screenshots/make_screenshots.py --only creer-adresse-courriel
    python tools/screenshots/make_screenshots.py --only creer-adresse-courriel/choose-password
    python tools/screenshots/make_screenshots.py --html /tmp/mockups   # also save the HTML
    python tools/screenshots/make_screenshots.py --list          # list the pictures, draw nothing

A real screenshot put in place by staff is never overwritten: the script only replaces a PNG
that it made itself (it marks its PNGs with a text chunk), and skips a step when a JPEG or WebP
with the same name exists. ``--force`` overrides this.

Chromium: Debian's ``/usr/bin/chromium`` (or the ``CHROMIUM`` environment variable); Playwright's
own browser download is not needed. Fonts: DejaVu Sans (Debian package fonts-dejavu-core).
"""

from __future__ import annotations

import argparse
import html
import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, PngImagePlugin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LESSONS = Path(os.environ.get("COURSESITE_LESSONS", ROOT / "lessons"))
CSS = (HERE / "mockup.css").read_text(encoding="utf-8")
LANGS = ("fr", "en")
WIDTH, HEIGHT = 960, 600
MAX_BYTES = 80_000
MARK_KEY = "coursesite-mockup"  # PNG text chunk that says "made by this script"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

T = Callable[[str, str], str]  # t(french, english) -> the text in the current language
e = html.escape

# --------------------------------------------------------------------------- icons (inline SVG)


def svg(body: str, size: int = 24, view: int = 24, color: str = "currentColor") -> str:
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 {view} {view}" fill="none" '
        f'stroke="{color}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{body}</svg>"
    )


def i_lock(size=18, color="#3c4249"):
    return svg(
        '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
        size,
        color=color,
    )


def i_back():
    return svg('<path d="M19 12H5M11 6l-6 6 6 6"/>', 24, color="#5b626b")


def i_fwd():
    return svg('<path d="M5 12h14M13 6l6 6-6 6"/>', 24, color="#a0a6ad")


def i_reload():
    return svg('<path d="M20 12a8 8 0 1 1-2.3-5.6M20 4v5h-5"/>', 24, color="#5b626b")


def i_search(size=22, color="#5b626b"):
    return svg(
        '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M20 20l-4.8-4.8"/>', size, color=color
    )


def i_mail(size=34, color="#1d4e9e"):
    return svg(
        '<rect x="2.5" y="5" width="19" height="14" rx="2"/><path d="M3 6.5l9 6.5 9-6.5"/>',
        size,
        color=color,
    )


def i_play(size=22, color="#ffffff"):
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 24 24">'
        f'<path d="M7 4.5v15l13-7.5z" fill="{color}"/></svg>'
    )


def i_pause(size=22, color="#1f2328"):
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 24 24">'
        f'<rect x="6" y="4.5" width="4" height="15" fill="{color}"/>'
        f'<rect x="14" y="4.5" width="4" height="15" fill="{color}"/></svg>'
    )


def i_note(size=28, color="#ffffff"):
    return svg(
        '<path d="M9 18V5l11-2v13"/><circle cx="6" cy="18" r="3"/><circle cx="17" cy="16" r="3"/>',
        size,
        color=color,
    )


def i_wifi(size=26, color="#1f2328"):
    return svg(
        '<path d="M2 8.5a15 15 0 0 1 20 0M5 12a10.5 10.5 0 0 1 14 0M8.5 15.5a5.5 5.5 0 0 1 7 0"/>'
        '<circle cx="12" cy="19" r="1.2" fill="currentColor"/>',
        size,
        color=color,
    )


def i_book(size=34, color="#ffffff"):
    return svg(
        '<path d="M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2z"/><path d="M4 21V5M19 19v2H6"/>',
        size,
        color=color,
    )


def i_radio(size=30, color="#ffffff"):
    return svg(
        '<rect x="3" y="8" width="18" height="12" rx="2"/><path d="M7 8l10-5"/>'
        '<circle cx="15.5" cy="14" r="3"/><path d="M6.5 12.5h3M6.5 15.5h3"/>',
        size,
        color=color,
    )


# --------------------------------------------------------------------------- frames


def tag(t: T) -> str:
    return f'<div class="tag">{t("Illustration : écran simplifié", "Illustration: simplified screen")}</div>'


def browser(
    t: T,
    body: str,
    *,
    title: str,
    url: str | None = None,
    url_hl: bool = False,
    typed: bool = False,
    close_hl: bool = False,
    lock: bool = True,
) -> str:
    """A browser window: one tab, the address bar, then the page."""
    if url is None:
        addr = f'{i_lock() if lock else ""}<span class="ghost"></span>'
    else:
        cls = "typed" if typed else ""
        addr = f'{i_lock() if lock else i_search(20)}<span class="{cls}">{e(url)}</span>'
    return f"""
<div class="chrome">
  <div class="tabs">
    <div class="tab"><span class="title">{e(title)}</span><span class="x{" hl" if close_hl else ""}">×</span></div>
    <div class="tab other">+</div>
  </div>
  <div class="bar">
    <div class="nav">{i_back()}{i_fwd()}{i_reload()}</div>
    <div class="address{" hl" if url_hl else ""}">{addr}</div>
  </div>
</div>
<div class="page">{body}</div>
{tag(t)}"""


def provider_bar(t: T, right: str = "") -> str:
    return f"""<div class="topbar"><div class="brand">{i_mail()}{t("Fournisseur de courriel", "Email provider")}</div>
      <div class="spacer"></div>{right}</div>"""


def signup_card(t: T, heading: str, lead: str, fields: str, actions: str) -> str:
    page = f"""<div class="card-wrap"><div class="card">
      <div class="brand small">{i_mail(26)}{t("Fournisseur de courriel", "Email provider")}</div>
      <h1>{heading}</h1><p class="lead">{lead}</p>{fields}
      <div class="actions">{actions}</div></div></div>"""
    return browser(t, page, title=t("Créer un compte", "Create an account"))


def field(
    label: str, value: str, *, hl: bool = False, cls: str = "", prefix: str = "", extra: str = ""
) -> str:
    classes = " ".join(c for c in ("input", cls, "hl" if hl else "") if c)
    pre = f'<span class="prefix">{prefix}</span>' if prefix else ""
    return (
        f'<div class="field"><label>{label}</label>'
        f'<div class="{classes}">{pre}{value}{extra}</div></div>'
    )


# --------------------------------------------------------------------------- email lesson


def email_open_browser(t: T) -> str:
    def icon(svg_body: str, label: str, bg: str, hl: bool = False) -> str:
        return f"""<div class="dicon{" hl" if hl else ""}"><div class="dimg" style="background:{bg}">{svg_body}</div>
          <div class="dlabel">{label}</div></div>"""

    globe = svg(
        '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"/>',
        52,
        color="#ffffff",
    )
    trash = svg('<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13"/>', 48, color="#ffffff")
    folder = svg('<path d="M3 6h6l2 2h10v11H3z"/>', 48, color="#ffffff")
    photo = svg(
        '<rect x="3" y="5" width="18" height="14" rx="2"/><circle cx="9" cy="10" r="2"/>'
        '<path d="M21 16l-5-5-9 8"/>',
        48,
        color="#ffffff",
    )
    return f"""
<style>
 .desk {{ position:absolute; inset:0; background:#3b6e8f; }}
 .dcol {{ position:absolute; left:34px; top:30px; display:flex; flex-direction:column; gap:22px; }}
 .dicon {{ width:150px; padding:8px; display:flex; flex-direction:column; align-items:center; gap:8px; }}
 .dimg {{ width:84px; height:84px; border-radius:18px; display:flex; align-items:center; justify-content:center; }}
 .dlabel {{ color:#fff; font-size:18px; text-align:center; font-weight:bold; }}
 .task {{ position:absolute; left:0; right:0; bottom:0; height:56px; background:#1c2a36; display:flex;
          align-items:center; gap:16px; padding:0 18px; color:#fff; }}
 .tb {{ width:40px; height:40px; border-radius:8px; background:#2f4354; display:flex; align-items:center; justify-content:center; }}
 .win {{ position:absolute; left:400px; top:110px; width:500px; height:260px; background:#eef2f5; border-radius:12px;
         padding:34px; font-size:22px; color:#27384b; }}
</style>
<div class="desk">
  <div class="dcol">
    {icon(trash, t("Corbeille", "Recycle Bin"), "#6b7b88")}
    {icon(globe, t("Navigateur Web", "Web Browser"), "#2a7bd1", hl=True)}
    {icon(folder, "Documents", "#c58a1c")}
  </div>
  <div class="dcol" style="left:210px">{icon(photo, "Photos", "#4f9a5b")}</div>
  <div class="win"><b>{t("Le bureau de l'ordinateur", "The computer desktop")}</b><br><br>
    {
        t(
            "L'icône du navigateur peut s'appeler Chrome, Edge, Firefox ou Safari.",
            "The browser icon may be called Chrome, Edge, Firefox or Safari.",
        )
    }</div>
  <div class="task"><div class="tb">{
        svg('<path d="M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z"/>', 24, color="#ffffff")
    }</div>
    <div class="tb">{
        svg(
            '<circle cx="12" cy="12" r="8"/><path d="M4 12h16M12 4c2.5 3 2.5 13 0 16M12 4c-2.5 3-2.5 13 0 16"/>',
            24,
            color="#ffffff",
        )
    }</div>
    <div class="tb">{svg('<path d="M3 6h6l2 2h10v11H3z"/>', 24, color="#ffffff")}</div>
    <div class="spacer"></div><div>10:24</div></div>
</div>
{tag(t)}"""


def email_go_to_provider(t: T) -> str:
    body = f"""<div style="display:flex;flex-direction:column;align-items:center;padding-top:150px;gap:18px">
      <div class="muted" style="font-size:24px">{t("Nouvel onglet", "New tab")}</div>
      <div class="muted small">{t("Tapez l'adresse tout en haut, puis appuyez sur Entrée.", "Type the address at the very top, then press Enter.")}</div>
    </div>"""
    return browser(
        t,
        body,
        title=t("Nouvel onglet", "New tab"),
        url="gmail.com",
        url_hl=True,
        typed=True,
        lock=False,
    )


def email_create_account(t: T) -> str:
    right = (
        f'<span class="btn text">{t("Se connecter", "Sign in")}</span>'
        f'<span class="btn hl">{t("Créer un compte", "Create account")}</span>'
    )
    body = f"""{provider_bar(t, right)}
    <div style="display:flex;align-items:center;gap:50px;padding:60px 60px">
      <div style="flex:1"><h1 style="font-size:38px;margin-bottom:18px">{t("Votre courriel, simple et gratuit", "Your email, simple and free")}</h1>
        <p style="font-size:22px" class="muted">{t("Recevez et envoyez des messages, partout.", "Receive and send messages, anywhere.")}</p></div>
      <div style="width:220px;height:220px;border-radius:30px;background:#e3ecfa;display:flex;align-items:center;justify-content:center">{i_mail(150)}</div>
    </div>"""
    return browser(t, body, title=t("Fournisseur de courriel", "Email provider"))


def email_enter_name(t: T) -> str:
    fields = field(t("Prénom", "First name"), "Carole") + field(t("Nom", "Last name"), "Tremblay")
    return signup_card(
        t,
        t("Créer un compte", "Create an account"),
        t("Entrez votre nom", "Enter your name"),
        fields,
        f'<span></span><span class="btn hl">{t("Suivant", "Next")}</span>',
    )


def email_choose_address(t: T) -> str:
    fields = field(
        t("Adresse courriel", "Email address"),
        t("carole.exemple", "carole.example"),
        hl=True,
        extra='<span class="suffix">@gmail.com</span>',
    )
    fields += (
        f'<p class="small muted" style="margin-bottom:40px">'
        f"{t('Vous pouvez utiliser des lettres, des chiffres et des points.', 'You can use letters, numbers and periods.')}</p>"
    )
    return signup_card(
        t,
        t("Choisissez votre adresse", "Choose your address"),
        t(
            "C'est l'adresse que les gens utiliseront pour vous écrire.",
            "This is the address people will use to write to you.",
        ),
        fields,
        f'<span></span><span class="btn">{t("Suivant", "Next")}</span>',
    )


def email_choose_password(t: T) -> str:
    dots = "•" * 16
    fields = field(t("Mot de passe", "Password"), dots, hl=True, cls="dots")
    fields += field(t("Confirmer", "Confirm"), dots, cls="dots")
    fields += f'<div class="check"><span class="box"></span>{t("Afficher le mot de passe", "Show password")}</div>'
    return signup_card(
        t,
        t("Créez un mot de passe", "Create a password"),
        t(
            "Au moins 12 caractères : lettres, chiffres et signes.",
            "At least 12 characters: letters, numbers and signs.",
        ),
        fields,
        f'<span></span><span class="btn">{t("Suivant", "Next")}</span>',
    )


def email_add_phone(t: T) -> str:
    fields = field(t("Numéro de téléphone", "Phone number"), "418 555-0123", hl=True, prefix="+1")
    fields += (
        f'<p class="small muted" style="margin-bottom:36px">'
        f"{t('Ce numéro sert à récupérer votre compte si vous oubliez votre mot de passe.', 'This number helps you get your account back if you forget your password.')}</p>"
    )
    return signup_card(
        t,
        t("Ajoutez un numéro de téléphone", "Add a phone number"),
        t(
            "Nous vous enverrons un code par texto pour vérifier ce numéro.",
            "We will send you a code by text message to check this number.",
        ),
        fields,
        f'<span class="btn text">{t("Ignorer", "Skip")}</span><span class="btn">{t("Suivant", "Next")}</span>',
    )


def email_accept_terms(t: T) -> str:
    lines = "".join(
        f'<div style="height:12px;border-radius:6px;background:#d9dde2;margin:12px 0;width:{w}%"></div>'
        for w in (96, 88, 92, 70, 94, 83, 60)
    )
    summary = t("Résumé des conditions d'utilisation", "Summary of the terms of service")
    agree = t("J'accepte", "I agree")
    text = (
        f'<div style="border:1px solid #d3d8de;border-radius:8px;padding:12px 16px;height:200px;overflow:hidden">'
        f'<b class="small">{summary}</b>{lines}</div>'
    )
    return signup_card(
        t,
        t("Confidentialité et conditions", "Privacy and terms"),
        t(
            "Lisez les règles du service, puis acceptez-les.",
            "Read the rules of the service, then accept them.",
        ),
        text,
        f'<span class="btn text">{t("Annuler", "Cancel")}</span><span class="btn hl">{agree}</span>',
    )


def mailbox(t: T, main: str, *, title: str, overlay: str = "", avatar_hl: bool = False) -> str:
    side_items = [
        (t("Boîte de réception", "Inbox"), "1", True),
        (t("Envoyés", "Sent"), "", False),
        (t("Brouillons", "Drafts"), "", False),
        (t("Courrier indésirable", "Junk"), "", False),
    ]
    side = "".join(
        f'<div class="item{" on" if on else ""}"><span>{name}</span><span class="n">{n}</span></div>'
        for name, n, on in side_items
    )
    body = f"""{provider_bar(t, f'<div class="search">{i_search()}{t("Rechercher dans les messages", "Search mail")}</div><div class="spacer"></div><div class="avatar{" hl" if avatar_hl else ""}">C</div>')}
    <div class="mail"><div class="side"><div class="compose">✎ {t("Nouveau message", "Compose")}</div>{side}</div>
      <div class="list">{main}</div></div>{overlay}"""
    return browser(t, body, title=title)


def inbox_rows(t: T, hl_first: bool, with_test: bool = True) -> str:
    rows = ""
    if with_test:
        rows += (
            f'<div class="row unread{" hl inside" if hl_first else ""}"><span class="from">Carole Tremblay</span>'
            f'<span class="subj">{t("Essai", "Test")} <span class="muted" style="font-weight:normal">— '
            f"{t('Bonjour, ceci est mon premier courriel.', 'Hello, this is my first email.')}</span></span><span>10:32</span></div>"
        )
    rows += (
        f'<div class="row read"><span class="from">{t("Fournisseur de courriel", "Email provider")}</span>'
        f'<span class="subj">{t("Bienvenue dans votre nouvelle boîte", "Welcome to your new mailbox")}</span><span>10:05</span></div>'
    )
    return rows


def email_send_test(t: T) -> str:
    compose = f"""<div style="position:absolute;right:26px;top:40px;width:600px;height:440px;background:#fff;
        border-radius:12px;border:1px solid #b9c0c8;box-shadow:0 6px 24px rgba(0,0,0,.25)">
      <div style="background:#e9eef5;padding:12px 18px;border-radius:12px 12px 0 0;font-weight:bold">{t("Nouveau message", "New message")}</div>
      <div style="padding:12px 18px;border-bottom:1px solid #e1e4e8"><span class="muted">{t("À", "To")}</span>&nbsp;&nbsp;{t("carole.exemple@gmail.com", "carole.example@gmail.com")}</div>
      <div style="padding:12px 18px;border-bottom:1px solid #e1e4e8"><span class="muted">{t("Objet", "Subject")}</span>&nbsp;&nbsp;{t("Essai", "Test")}</div>
      <div style="padding:16px 18px;height:186px">{t("Bonjour, ceci est mon premier courriel.", "Hello, this is my first email.")}</div>
      <div style="padding:0 24px"><span class="btn hl">{t("Envoyer", "Send")}</span></div>
    </div>"""
    return mailbox(
        t,
        inbox_rows(t, False, with_test=False),
        title=t("Boîte de réception", "Inbox"),
        overlay=compose,
    )


def email_check_inbox(t: T) -> str:
    return mailbox(t, inbox_rows(t, True), title=t("Boîte de réception (1)", "Inbox (1)"))


def email_sign_out(t: T) -> str:
    menu = f"""<div style="position:absolute;right:22px;top:74px;width:380px;background:#fff;border-radius:14px;
        border:1px solid #b9c0c8;box-shadow:0 6px 24px rgba(0,0,0,.25);padding:24px;text-align:center">
      <div class="avatar" style="width:70px;height:70px;font-size:32px;margin:0 auto 12px">C</div>
      <div style="font-weight:bold;font-size:22px">Carole Tremblay</div>
      <div class="muted" style="margin-bottom:26px">{t("carole.exemple@gmail.com", "carole.example@gmail.com")}</div>
      <span class="btn light hl">{t("Se déconnecter", "Sign out")}</span></div>"""
    return mailbox(t, inbox_rows(t, False), title=t("Boîte de réception", "Inbox"), overlay=menu)


# --------------------------------------------------------------------------- employment insurance lesson


def gov_page(t: T, inner: str, *, title: str, url: str | None = None) -> str:
    head = (
        f'<div class="gov-head"><b>{t("Gouvernement du Canada", "Government of Canada")}</b>'
        f'<span class="lang">{t("English", "Français")}</span></div>'
    )
    return browser(t, head + f'<div class="gov-body">{inner}</div>', title=title, url=url)


def ei_bank_numbers(t: T) -> str:
    def group(digits: str, label: str, hl: bool = True) -> str:
        return (
            f'<div class="grp"><div class="num{" hl" if hl else ""}">{digits}</div>'
            f'<div class="lab{"" if hl else " plain"}">{label}</div></div>'
        )

    return f"""
<style>
 .bg {{ position:absolute; inset:0; background:#e9ecef; }}
 .cheque {{ position:absolute; left:50px; top:56px; width:860px; height:440px; background:#f4f8f2;
            border:2px solid #9fb59a; border-radius:10px; padding:24px 32px; }}
 .cheque .line {{ border-bottom:2px solid #6c7a69; display:inline-block; }}
 .stamp {{ position:absolute; right:60px; top:150px; font-size:40px; font-weight:bold; color:#c3d2bf;
           letter-spacing:4px; transform:rotate(-10deg); }}
 .micr {{ position:absolute; left:32px; bottom:26px; display:flex; gap:30px; align-items:flex-start;
          font-family:"DejaVu Sans Mono", monospace; font-size:30px; }}
 .grp {{ display:flex; flex-direction:column; align-items:center; gap:14px; }}
 .num {{ padding:4px 12px; }}
 .lab {{ font-family:"DejaVu Sans", sans-serif; font-size:17px; font-weight:bold; color:#7a3200; }}
 .lab.plain {{ font-weight:normal; color:#5b626b; }}
</style>
<div class="bg"></div>
<div class="cheque">
  <div style="display:flex;justify-content:space-between">
    <div><b>Marc Gagnon</b><br><span class="small">123, {t("rue Exemple, Québec", "Example Street, Québec City")}</span></div>
    <div style="text-align:right"><b>001</b><br><span class="small">{t("Date", "Date")} <span class="line" style="width:180px">&nbsp;</span></span></div>
  </div>
  <div style="margin-top:28px">{t("Payez à l'ordre de", "Pay to the order of")} <span class="line" style="width:400px">&nbsp;</span>
     &nbsp;<span class="line" style="width:110px">&nbsp;</span>&nbsp;$</div>
  <div style="margin-top:26px"><b>{t("Banque Exemple", "Example Bank")}</b> <span class="small muted">— {t("chèque inventé", "made-up cheque")}</span></div>
  <div class="stamp">{t("SPÉCIMEN", "SAMPLE")}</div>
  <div class="micr">
    {group("001", t("n° du chèque", "cheque no."), hl=False)}
    {group("12345", t("transit<br>(5 chiffres)", "transit<br>(5 digits)"))}
    {group("000", t("institution<br>(3 chiffres)", "institution<br>(3 digits)"))}
    {group("1234567", t("compte", "account"))}
  </div>
</div>
{tag(t)}"""


def ei_open_canada_ca(t: T) -> str:
    nav = "".join(
        f'<div style="padding:9px 12px;border-bottom:1px solid #d8dce0;{"font-weight:bold;background:#eef2f7" if on else ""}">{x}</div>'
        for x, on in [
            (t("Admissibilité", "Eligibility"), False),
            (t("Montant des prestations", "Benefit amount"), False),
            (t("Présenter une demande", "Apply"), True),
            (t("Pendant les prestations", "While receiving benefits"), False),
        ]
    )
    inner = f"""<div class="crumbs">Canada.ca › {t("Prestations", "Benefits")} › {t("Assurance-emploi", "Employment Insurance")}</div>
      <h1>{t("Prestations régulières de l'assurance-emploi", "EI regular benefits")}</h1>
      <div style="display:flex;gap:36px"><div style="width:300px;font-size:18px">{nav}</div>
        <div style="flex:1"><h2 style="font-size:24px;margin-bottom:10px">{t("Présenter une demande", "Apply")}</h2>
          <p style="margin-bottom:22px">{t("Présentez votre demande dès que vous arrêtez de travailler.", "Apply as soon as you stop working.")}</p>
          <span class="gbtn hl">{t("Présenter une demande en ligne", "Apply online")}</span></div></div>"""
    url = t(
        "www.canada.ca/fr/services/prestations/ae.html",
        "www.canada.ca/en/services/benefits/ei.html",
    )
    return gov_page(t, inner, title=t("Assurance-emploi", "Employment Insurance"), url=url)


def ei_start(t: T) -> str:
    items = "".join(
        f"<li>{x}</li>"
        for x in [
            t("votre numéro d'assurance sociale (NAS);", "your Social Insurance Number (SIN);"),
            t(
                "les noms de vos employeurs et vos dates de travail;",
                "your employers' names and your work dates;",
            ),
            t(
                "vos numéros bancaires pour le dépôt direct.",
                "your bank numbers for direct deposit.",
            ),
        ]
    )
    inner = f"""<h1>{t("Demande de prestations d'assurance-emploi en ligne", "Online application for Employment Insurance benefits")}</h1>
      <p style="margin-bottom:8px">{t("Avant de commencer, ayez en main :", "Before you start, have ready:")}</p>
      <ul style="margin:0 0 26px;line-height:1.6">{items}</ul>
      <span class="gbtn hl">{t("Commencer", "Start")}</span>"""
    return gov_page(t, inner, title=t("Demande d'assurance-emploi", "EI application"))


def ei_form(
    t: T, section: str, content: str, next_label: str | None = None, next_hl: bool = False
) -> str:
    nxt = next_label or t("Suivant", "Next")
    inner = f"""<div class="section-tag">{t("Demande d'assurance-emploi", "EI application")}</div>
      <h1>{section}</h1>{content}
      <div class="actions" style="margin-top:8px"><span class="gbtn light">{t("Précédent", "Previous")}</span>
        <span class="gbtn{" hl" if next_hl else ""}">{nxt}</span></div>"""
    return gov_page(t, inner, title=t("Demande d'assurance-emploi", "EI application"))


def ei_personal(t: T) -> str:
    grid = (
        field(
            t("Numéro d'assurance sociale (NAS)", "Social Insurance Number (SIN)"),
            "000 000 000",
            hl=True,
        )
        + field(t("Prénom", "First name"), "Marc")
        + field(t("Nom de famille", "Last name"), "Gagnon")
        + field(t("Date de naissance (AAAA-MM-JJ)", "Date of birth (YYYY-MM-DD)"), "1971-05-14")
        + '<div style="grid-column:span 2">'
        + field(
            t("Adresse", "Address"),
            t("123, rue Exemple, Québec", "123 Example Street, Québec City"),
        )
        + "</div>"
    )
    return ei_form(
        t,
        t("Renseignements personnels", "Personal information"),
        f'<div class="form2" style="grid-template-columns:1.15fr 1fr 1fr;gap:4px 22px">{grid}</div>',
    )


def ei_last_job(t: T) -> str:
    grid = (
        field(t("Nom de l'employeur", "Employer's name"), t("Épicerie Exemple", "Example Grocery"))
        + field(t("Premier jour de travail", "First day of work"), "2023-03-06")
        + field(t("Dernier jour de travail", "Last day of work"), "2026-11-13")
        + field(
            t("Raison de l'arrêt de travail", "Reason for stopping work"),
            t("Manque de travail", "Shortage of work"),
            hl=True,
            extra='<span class="suffix">▾</span>',
        )
    )
    return ei_form(t, t("Votre emploi", "Your employment"), f'<div class="form2">{grid}</div>')


def ei_availability(t: T) -> str:
    q1 = t(
        "Êtes-vous prêt et disposé à travailler, et capable de le faire, chaque jour?",
        "Are you ready, willing and capable of working each day?",
    )
    q2 = t("Suivez-vous un cours ou une formation?", "Are you taking a course or training?")
    content = f"""<p style="font-size:22px;font-weight:bold;margin-bottom:14px">{q1}</p>
      <div style="display:flex;gap:24px;margin-bottom:30px"><div class="radio hl"><span class="dot on"></span>{t("Oui", "Yes")}</div>
        <div class="radio"><span class="dot"></span>{t("Non", "No")}</div></div>
      <p style="font-size:20px;margin-bottom:12px" class="muted">{q2}</p>
      <div style="display:flex;gap:24px;margin-bottom:26px"><div class="radio"><span class="dot"></span>{t("Oui", "Yes")}</div>
        <div class="radio"><span class="dot"></span>{t("Non", "No")}</div></div>"""
    return ei_form(t, t("Votre disponibilité", "Your availability"), content)


def ei_direct_deposit(t: T) -> str:
    content = f"""<p style="margin-bottom:16px">{t("Le dépôt direct verse vos prestations dans votre compte.", "Direct deposit puts your benefits into your account.")}</p>
      <div class="hl" style="display:grid;grid-template-columns:1fr 1fr 1.4fr;gap:20px;padding:14px 14px 0;margin:0 6px 30px">
        {field(t("Numéro de transit (5 chiffres)", "Transit number (5 digits)"), "12345")}
        {field(t("N° d'institution (3 chiffres)", "Institution no. (3 digits)"), "000")}
        {field(t("Numéro de compte", "Account number"), "1234567")}</div>
      <p class="small muted" style="margin-bottom:24px">{t("Numéros inventés pour l'exemple.", "Numbers made up for the example.")}</p>"""
    return ei_form(t, t("Dépôt direct", "Direct deposit"), content)


def ei_submit(t: T) -> str:
    rows = [
        (t("NAS", "SIN"), "000 000 000"),
        (t("Nom", "Name"), "Marc Gagnon"),
        (t("Employeur", "Employer"), t("Épicerie Exemple", "Example Grocery")),
        (t("Dernier jour de travail", "Last day of work"), "2026-11-13"),
        (t("Raison", "Reason"), t("Manque de travail", "Shortage of work")),
        (t("Dépôt direct", "Direct deposit"), "12345 · 000 · 1234567"),
    ]
    table = "".join(
        f'<tr><td>{a}</td><td>{b}</td><td><span class="link">{t("Modifier", "Change")}</span></td></tr>'
        for a, b in rows
    )
    return ei_form(
        t,
        t("Vérifier vos réponses", "Review your answers"),
        f'<table class="sum">{table}</table>',
        next_label=t("Soumettre", "Submit"),
        next_hl=True,
    )


def ei_confirmation(t: T) -> str:
    inner = f"""<div style="border-left:8px solid #278400;background:#eef7ea;padding:18px 24px;margin:10px 0 24px">
        <h2 style="font-size:27px;margin-bottom:8px">✓ {
        t("Votre demande a été soumise", "Your application has been submitted")
    }</h2>
        <p>{t("Date : 2026-11-26", "Date: 2026-11-26")}</p></div>
      <div class="hl" style="display:inline-block;padding:12px 20px;margin:0 6px 24px;font-size:24px">
        {t("Numéro de confirmation :", "Confirmation number:")} <b>1234567890</b></div>
      <p style="margin-bottom:22px">{
        t(
            "Notez ce numéro. Vous recevrez une lettre par la poste avec votre code d'accès.",
            "Write down this number. You will receive a letter in the mail with your access code.",
        )
    }</p>
      <span class="gbtn light">{t("Imprimer", "Print")}</span>"""
    return gov_page(t, inner, title=t("Demande soumise", "Application submitted"))


def ei_access_code(t: T) -> str:
    return f"""
<style>
 .bg {{ position:absolute; inset:0; background:#d9d4cb; }}
 .letter {{ position:absolute; left:170px; top:24px; width:620px; height:560px; background:#fff; padding:34px 44px;
            box-shadow:0 4px 18px rgba(0,0,0,.25); font-size:18px; }}
 .bars div {{ height:10px; border-radius:5px; background:#dde0e4; margin:11px 0; }}
</style>
<div class="bg"></div>
<div class="letter">
  <div style="display:flex;justify-content:space-between"><b style="font-size:20px">Service Canada</b>
    <span class="muted small">2026-11-30</span></div>
  <div style="margin:22px 0 20px">Marc Gagnon<br>{t("123, rue Exemple", "123 Example Street")}<br>{
        t("Québec (Québec)", "Québec City, Quebec")
    }</div>
  <b>{t("Assurance-emploi — votre code d'accès", "Employment Insurance — your access code")}</b>
  <div class="bars"><div style="width:96%"></div><div style="width:88%"></div><div style="width:70%"></div></div>
  <div class="hl" style="font-size:26px;padding:12px 18px;margin:22px 6px;background:#f6f7f9">
    {t("Votre code d'accès :", "Your access code:")} <b style="letter-spacing:4px">1234</b></div>
  <p>{
        t(
            "Utilisez ce code et votre NAS pour faire vos déclarations aux deux semaines. Gardez-le secret.",
            "Use this code and your SIN to complete your reports every two weeks. Keep it secret.",
        )
    }</p>
  <div class="bars"><div style="width:92%"></div><div style="width:60%"></div></div>
  <p class="small muted">{
        t("Lettre inventée pour l'exemple.", "Letter made up for the example.")
    }</p>
</div>
{tag(t)}"""


def ei_follow_up(t: T) -> str:
    def card(title: str, text: str, link: str, hl: bool = False) -> str:
        return (
            f'<div class="{"hl" if hl else ""}" style="border:1px solid #c4cad1;border-radius:8px;padding:16px 18px">'
            f'<b style="font-size:21px">{title}</b><p style="margin:8px 0">{text}</p>'
            f'<span class="link">{link}</span></div>'
        )

    cards = (
        card(
            t("Assurance-emploi", "Employment Insurance"),
            t("État : <b>En traitement</b>", "Status: <b>In progress</b>"),
            t("Voir ma demande", "View my claim"),
            True,
        )
        + card(
            t("Relevés d'emploi", "Records of Employment"),
            t("1 relevé", "1 record"),
            t("Voir", "View"),
        )
        + card("Messages", t("1 nouveau message", "1 new message"), t("Lire", "Read"))
        + card(
            t("Profil", "Profile"),
            t("Adresse, dépôt direct", "Address, direct deposit"),
            t("Modifier", "Change"),
        )
    )
    inner = f"""<h1>{t("Mon dossier Service Canada", "My Service Canada Account")}</h1>
      <p style="margin-bottom:16px">{t("Bonjour Marc", "Hello Marc")}</p>
      <div style="display:grid;grid-template-columns:1fr 1fr;gap:20px 26px;padding:0 6px">{cards}</div>"""
    return gov_page(t, inner, title=t("Mon dossier Service Canada", "My Service Canada Account"))


# --------------------------------------------------------------------------- music lesson


def music_wifi(t: T) -> str:
    def net(name: str, hl: bool = False, locked: bool = True, strength: str = "#1f2328") -> str:
        return (
            f'<div class="{"hl inside" if hl else ""}" style="display:flex;align-items:center;gap:14px;padding:18px 20px;'
            f'border-bottom:1px solid #e3e6ea">{i_wifi(26, strength)}<span style="flex:1">{name}</span>'
            f"{i_lock(18) if locked else ''}</div>"
        )

    return f"""
<style>
 .bg {{ position:absolute; inset:0; background:#e4e8ed; }}
 .phone {{ position:absolute; left:310px; top:12px; width:340px; height:576px; background:#1c1f23; border-radius:40px; padding:14px; }}
 .screen {{ background:#fff; width:100%; height:100%; border-radius:28px; overflow:hidden; font-size:19px; }}
 .toggle {{ width:56px; height:30px; border-radius:15px; background:#1f5fc4; position:relative; }}
 .toggle::after {{ content:""; position:absolute; right:3px; top:3px; width:24px; height:24px; border-radius:50%; background:#fff; }}
 .side-note {{ position:absolute; left:40px; top:200px; width:240px; font-size:20px; color:#27384b; }}
</style>
<div class="bg"></div>
<div class="side-note"><b>{t("Paramètres", "Settings")} › Wi-Fi</b><br><br>{t("Touchez le nom du réseau du labo ou de la maison.", "Tap the name of the lab's or your home network.")}</div>
<div class="phone"><div class="screen">
  <div style="display:flex;justify-content:space-between;padding:10px 22px 4px;font-size:15px"><b>10:24</b><span>▮▮▮</span></div>
  <div style="padding:10px 18px 14px;font-size:24px;font-weight:bold">‹ Wi-Fi</div>
  <div style="display:flex;align-items:center;padding:12px 18px;background:#eef2f7;font-weight:bold">
    <span style="flex:1">Wi-Fi</span><span class="toggle"></span></div>
  <div style="padding:16px 18px 10px;font-size:16px" class="muted">{t("Réseaux disponibles", "Available networks")}</div>
  <div style="padding:0 8px">
    {net(t("Labo-Techno", "Techno-Lab"), hl=True)}
    {net(t("Voisin-5G", "Neighbour-5G"), strength="#8a9199")}
    {net(t("Cafe-Invites", "Cafe-Guests"), locked=False, strength="#8a9199")}
  </div>
</div></div>
{tag(t)}"""


def music_open_radio(t: T) -> str:
    def result(title: str, url: str, text: str, hl: bool = False) -> str:
        return (
            f'<div class="{"hl" if hl else ""}" style="padding:10px 12px;margin:0 6px 16px;width:700px">'
            f'<div class="small muted">{url}</div><div style="color:#1a0dab;font-size:22px">{title}</div>'
            f'<div class="small muted">{text}</div></div>'
        )

    query = t("OHdio ICI Musique", "CBC Listen")
    results = (
        result(
            t("OHdio — ICI Musique en direct", "CBC Listen — Live radio and music"),
            t("ici.radio-canada.ca › ohdio", "www.cbc.ca › listen"),
            t(
                "Écoutez la radio en direct et en rattrapage.",
                "Listen to live radio and shows on demand.",
            ),
            hl=True,
        )
        + result(
            t("Horaire des émissions", "Program schedule"),
            t("ici.radio-canada.ca › horaire", "www.cbc.ca › schedule"),
            t("Toutes les émissions de la semaine.", "All the shows of the week."),
        )
        + result(
            t("Les radios en ligne : nos conseils", "Online radio: our tips"),
            "blogue-exemple.com",
            t("Un article de blogue (exemple).", "A blog article (example)."),
        )
    )
    body = f"""<div style="display:flex;align-items:center;gap:20px;padding:18px 28px;border-bottom:1px solid #e1e4e8">
        <b style="color:#1d4e9e">{t("Recherche", "Search")}</b>
        <div class="search" style="flex:0 0 560px;color:#1f2328">{i_search()}{query}</div></div>
      <div style="padding:16px 22px">{results}</div>"""
    return browser(t, body, title=f"{query} — {t('Recherche', 'Search')}", url=None)


def music_listen_radio(t: T) -> str:
    others = "".join(
        f'<div style="display:flex;align-items:center;gap:14px;padding:12px 0;border-bottom:1px solid #e3e6ea">'
        f'<div class="play" style="width:40px;height:40px;background:#5b626b">{i_play(16)}</div>{x}</div>'
        for x in [
            t("Radio parlée", "Talk radio"),
            t("Musique pop", "Pop music"),
            t("Baladodiffusions", "Podcasts"),
        ]
    )
    body = f"""<div class="m-head"><div class="m-brand">{i_radio()}{t("Radio en ligne", "Online radio")}</div></div>
      <div style="display:flex;gap:40px;padding:30px 40px">
        <div style="flex:1;background:#243447;color:#fff;border-radius:16px;padding:26px 30px">
          <span style="background:#c8102e;padding:3px 10px;border-radius:4px;font-size:15px;font-weight:bold">{t("EN DIRECT", "LIVE")}</span>
          <h2 style="font-size:30px;margin:14px 0 6px">{t("Musique classique et jazz", "Classical and jazz")}</h2>
          <p style="margin-bottom:26px;color:#c9d3de">{t("Émission : Matin en musique (exemple)", "Show: Morning music (example)")}</p>
          <div style="display:inline-flex;align-items:center;gap:18px" class="hl">
            <div class="play" style="width:86px;height:86px;background:#ffffff">{i_play(40, "#243447")}</div>
            <b style="font-size:24px;padding-right:14px">{t("Écouter en direct", "Listen live")}</b></div>
        </div>
        <div style="width:300px"><b>{t("Autres stations", "Other stations")}</b>{others}</div>
      </div>"""
    return browser(t, body, title=t("Radio en ligne", "Online radio"))


def music_open_site(t: T) -> str:
    sugg = f"""<div style="position:absolute;left:150px;top:0;width:560px;background:#fff;border:1px solid #c4cad1;
        border-radius:0 0 12px 12px;box-shadow:0 6px 16px rgba(0,0,0,.15)">
        <div style="padding:12px 18px;display:flex;gap:12px;align-items:center">{i_search(20)}youtube.com</div></div>"""
    body = f"""{sugg}<div style="display:flex;flex-direction:column;align-items:center;padding-top:170px;gap:18px">
      <div class="muted" style="font-size:24px">{t("Nouvel onglet", "New tab")}</div></div>"""
    return browser(
        t,
        body,
        title=t("Nouvel onglet", "New tab"),
        url="youtube.com",
        url_hl=True,
        typed=True,
        lock=False,
    )


def music_head(t: T, query: str = "", hl: bool = False) -> str:
    q = query or f'<span class="muted">{t("Rechercher", "Search")}</span>'
    return (
        f'<div class="m-head"><div class="m-brand">{i_note()}{t("Site de musique", "Music website")}</div>'
        f'<div class="m-search{" hl" if hl else ""}">{i_search()}{q}</div></div>'
    )


def music_search(t: T) -> str:
    colors = ["#7b3fa0", "#1f7a6b", "#b5462a", "#2b5797"]
    names = [
        t("Chansons à répondre", "Sing-along songs"),
        t("Musique des Fêtes", "Holiday music"),
        "Jazz",
        t("Classique", "Classical"),
    ]
    tiles = "".join(
        f'<div class="tile" style="background:{c}">{n}</div>'
        for c, n in zip(colors, names, strict=True)
    )
    body = f"""{music_head(t, t("musique traditionnelle québécoise", "Quebec traditional music"), hl=True)}
      <div class="m-body"><b style="font-size:22px">{t("Suggestions", "Suggestions")}</b><div class="tiles">{tiles}</div></div>"""
    return browser(t, body, title=t("Site de musique", "Music website"))


def music_results(t: T) -> list[tuple[str, str, str, str]]:
    return [
        (t("Reel du samedi soir", "Saturday Night Reel"), "Trio Exemple", "3:42", "#b5462a"),
        (
            t("Valse de la cuisine", "Kitchen Waltz"),
            t("Les Violons Exemple", "The Example Fiddlers"),
            "4:05",
            "#1f7a6b",
        ),
        (
            t("Chanson à répondre (exemple)", "Call-and-response song (example)"),
            t("Chorale Exemple", "Example Choir"),
            "2:58",
            "#7b3fa0",
        ),
        (t("Gigue du Vieux-Port", "Old Port Jig"), "Trio Exemple", "3:10", "#2b5797"),
    ]


def music_play(t: T) -> str:
    rows = "".join(
        f'<div class="res"><div class="play{" hl" if i == 0 else ""}">{i_play()}</div>'
        f'<div class="thumb" style="background:{c}">{i_note(26)}</div>'
        f'<div style="flex:1"><b>{title}</b><div class="small muted">{who}</div></div><span class="muted">{d}</span></div>'
        for i, (title, who, d, c) in enumerate(music_results(t))
    )
    body = f"""{music_head(t, t("musique traditionnelle québécoise", "Quebec traditional music"))}
      <div class="m-body" style="padding-top:14px">{rows}</div>"""
    return browser(t, body, title=t("Site de musique", "Music website"))


def music_playlist(t: T) -> str:
    title, who, _, color = music_results(t)[0]
    body = f"""{music_head(t, t("musique traditionnelle québécoise", "Quebec traditional music"))}
      <div style="display:flex;gap:40px;padding:28px 40px">
        <div style="width:250px;height:250px;border-radius:16px;background:{color};display:flex;align-items:center;justify-content:center">{i_note(120)}</div>
        <div style="padding-top:20px"><h2 style="font-size:32px">{title}</h2><p class="muted" style="margin:6px 0 34px">{who}</p>
          <div style="display:flex;gap:22px;align-items:center"><span class="btn light hl">+ {t("Ajouter à une liste de lecture", "Add to playlist")}</span>
            <span class="btn text">{t("Partager", "Share")}</span></div></div>
      </div>
      <div class="player">{i_pause(28)}<b>{title}</b><span class="muted">1:12 / 3:42</span><div class="spacer"></div>
        {t("Volume", "Volume")}<div class="vol"></div></div>"""
    return browser(t, body, title=title)


def music_library(t: T) -> str:
    nav = "".join(
        f'<span style="padding:8px 14px;{"border-bottom:4px solid #fff;font-weight:bold" if on else ""}">{x}</span>'
        for x, on in [
            ("Catalogue", False),
            (t("Ressources numériques", "Digital resources"), True),
            (t("Heures d'ouverture", "Opening hours"), False),
        ]
    )
    body = f"""<div style="background:#6b2f5b;color:#fff;padding:14px 30px 0">
        <div style="display:flex;align-items:center;gap:12px;font-weight:bold;font-size:21px">{
        i_book(30)
    }{t("Bibliothèque (exemple)", "Library (example)")}</div>
        <div style="display:flex;gap:10px;margin-top:10px;font-size:18px">{nav}</div></div>
      <div style="display:flex;gap:40px;padding:26px 34px">
        <div style="flex:1"><h1 style="font-size:30px;margin-bottom:12px">{
        t("Ressources numériques", "Digital resources")
    }</h1>
          <p>{
        t(
            "Musique, livres numériques, journaux et cours en ligne, gratuits pour les abonnés.",
            "Music, e-books, newspapers and online courses, free for members.",
        )
    }</p>
          <p class="small muted" style="margin-top:14px">{
        t(
            "Les services offerts varient d'une bibliothèque à l'autre.",
            "Services vary from one library to another.",
        )
    }</p></div>
        <div style="width:390px;border:1px solid #c4cad1;border-radius:12px;padding:20px 22px">
          {field(t("Numéro de carte", "Card number"), "")}{field(t("NIP", "PIN"), "")}
          <span class="btn hl" style="background:#6b2f5b;border-color:#6b2f5b">{
        t("Se connecter avec ma carte", "Sign in with my card")
    }</span></div>
      </div>"""
    return browser(
        t, body, title=t("Bibliothèque — Ressources numériques", "Library — Digital resources")
    )


def music_risky(t: T) -> str:
    big = t("TÉLÉCHARGER", "DOWNLOAD")
    body = f"""<div style="position:absolute;inset:0;background:#fff35c">
      <div style="background:#d0021b;color:#fff;font-weight:bold;font-size:30px;padding:16px 24px;text-align:center">
        {t("MP3 GRATUITS!!! TOUTES LES CHANSONS!!!", "FREE MP3!!! EVERY SONG!!!")}</div>
      <div style="display:flex;gap:30px;justify-content:center;margin-top:34px">
        <span style="background:#12a338;color:#fff;font-weight:bold;font-size:30px;padding:22px 36px;border-radius:10px">⬇ {big}</span>
        <span style="background:#12a338;color:#fff;font-weight:bold;font-size:30px;padding:22px 36px;border-radius:10px">⬇ {big}</span></div>
      <div style="position:absolute;left:230px;top:220px;width:500px;background:#fff;border:4px solid #d0021b;padding:18px 22px;
                  box-shadow:0 8px 24px rgba(0,0,0,.35)">
        <b style="color:#d0021b;font-size:24px">⚠ {t("Votre ordinateur est infecté!", "Your computer is infected!")}</b>
        <p style="margin-top:8px">{t("Appelez le 1-800-XXX-XXXX immédiatement.", "Call 1-800-XXX-XXXX right now.")}</p>
        <p class="small muted" style="margin-top:6px">{t("(fausse alerte)", "(fake alert)")}</p></div>
      <div style="position:absolute;left:0;right:0;bottom:0;background:#27384b;color:#fff;text-align:center;padding:12px;font-size:19px">
        {t("Exemple de page à éviter : ne cliquez sur rien, fermez l'onglet.", "Example of a page to avoid: click nothing, close the tab.")}</div>
    </div>"""
    return browser(
        t, body, title=t("MP3 GRATUIT — Télécharger!!!", "FREE MP3 — Download!!!"), close_hl=True
    )


# --------------------------------------------------------------------------- the list

EMAIL, EI, MUSIC = "creer-adresse-courriel", "demande-assurance-emploi", "trouver-musique-en-ligne"
SCREENS: list[tuple[str, str, Callable[[T], str]]] = [
    (EMAIL, "open-browser.png", email_open_browser),
    (EMAIL, "go-to-provider.png", email_go_to_provider),
    (EMAIL, "create-account.png", email_create_account),
    (EMAIL, "enter-name.png", email_enter_name),
    (EMAIL, "choose-address.png", email_choose_address),
    (EMAIL, "choose-password.png", email_choose_password),
    (EMAIL, "add-phone.png", email_add_phone),
    (EMAIL, "accept-terms.png", email_accept_terms),
    (EMAIL, "send-test-email.png", email_send_test),
    (EMAIL, "check-inbox.png", email_check_inbox),
    (EMAIL, "sign-out.png", email_sign_out),
    (EI, "find-bank-numbers.png", ei_bank_numbers),
    (EI, "open-canada-ca.png", ei_open_canada_ca),
    (EI, "start-application.png", ei_start),
    (EI, "personal-info.png", ei_personal),
    (EI, "last-job.png", ei_last_job),
    (EI, "availability.png", ei_availability),
    (EI, "direct-deposit.png", ei_direct_deposit),
    (EI, "submit.png", ei_submit),
    (EI, "confirmation-number.png", ei_confirmation),
    (EI, "access-code.png", ei_access_code),
    (EI, "follow-up.png", ei_follow_up),
    (MUSIC, "connect-wifi.png", music_wifi),
    (MUSIC, "open-radio.png", music_open_radio),
    (MUSIC, "listen-radio.png", music_listen_radio),
    (MUSIC, "open-music-site.png", music_open_site),
    (MUSIC, "search-music.png", music_search),
    (MUSIC, "play-music.png", music_play),
    (MUSIC, "make-playlist.png", music_playlist),
    (MUSIC, "library-music.png", music_library),
    (MUSIC, "close-risky-page.png", music_risky),
]


def page_html(lang: str, build: Callable[[T], str]) -> str:
    def t(fr: str, en: str) -> str:
        return fr if lang == "fr" else en

    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>{CSS}</style></head><body>{build(t)}</body></html>"
    )


# --------------------------------------------------------------------------- PNG output


def is_mockup(path: Path) -> bool:
    try:
        with Image.open(path) as im:
            return im.format == "PNG" and MARK_KEY in getattr(im, "text", {})
    except OSError:
        return False


def replaced_by_staff(target: Path) -> Path | None:
    """A real screenshot that must not be overwritten, if there is one."""
    for ext in (".jpg", ".jpeg", ".webp"):
        other = target.with_suffix(ext)
        if other.exists():
            return other
    if target.exists() and not is_mockup(target):
        return target
    return None


def shrink(png: bytes) -> bytes:
    """Palette PNG (256 colours, no dithering: flat UI stays crisp), optimised."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    info = PngImagePlugin.PngInfo()
    info.add_text(MARK_KEY, "generated by tools/screenshots/make_screenshots.py")
    best = b""
    for colors in (256, 128, 64):
        pal = img.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        out = io.BytesIO()
        pal.save(out, "PNG", optimize=True, pnginfo=info)
        best = out.getvalue()
        if len(best) <= MAX_BYTES:
            break
    return best


def find_chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        sys.exit(
            "Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--lang", choices=LANGS, action="append", help="only this language (repeatable)"
    )
    ap.add_argument(
        "--only", action="append", default=[], help="lesson id, or lesson-id/step-id (repeatable)"
    )
    ap.add_argument("--force", action="store_true", help="overwrite real screenshots too")
    ap.add_argument("--html", type=Path, help="also write each mock-up's HTML into this folder")
    ap.add_argument("--list", action="store_true", help="list the pictures and exit")
    args = ap.parse_args(argv)

    langs = args.lang or list(LANGS)
    jobs = []
    for lesson, name, build in SCREENS:
        stem = name.rsplit(".", 1)[0]
        if args.only and not any(
            o in (lesson, f"{lesson}/{stem}", f"{lesson}/{name}") for o in args.only
        ):
            continue
        for lang in langs:
            jobs.append((lang, lesson, name, build))
    if args.list:
        for lang, lesson, name, _ in jobs:
            print(f"lessons/{lang}/{lesson}/{name}")
        return 0
    if not jobs:
        print("nothing matches --only", file=sys.stderr)
        return 1

    from playwright.sync_api import sync_playwright  # imported late: --list works without it

    total = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        for lang, lesson, name, build in jobs:
            target = LESSONS / lang / lesson / name
            keep = None if args.force else replaced_by_staff(target)
            if keep:
                print(f"skip  {target.relative_to(LESSONS)} (real screenshot: {keep.name})")
                continue
            doc = page_html(lang, build)
            if args.html:
                out = args.html / lang / lesson / name.replace(".png", ".html")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(doc, encoding="utf-8")
            page.set_content(doc)
            page.evaluate("document.fonts.ready")
            data = shrink(page.screenshot(type="png"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            total += len(data)
            flag = "" if len(data) <= MAX_BYTES else f"  (over {MAX_BYTES // 1000} KB)"
            print(f"wrote {target.relative_to(LESSONS)}  {len(data) / 1024:.1f} KiB{flag}")
        browser.close()
    print(f"total written: {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
