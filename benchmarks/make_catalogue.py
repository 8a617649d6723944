"""Write a generated catalogue of N lessons × 2 languages, for start-up and load benchmarks.

Usage: python benchmarks/make_catalogue.py DEST [--lessons 1000]
Each lesson has 8 steps with lists, a callout and a screenshot copied from a starter lesson.
"""

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "lessons" / "fr" / "creer-adresse-courriel" / "open-browser.png"
WORDS = {
    "fr": [
        "courriel",
        "navigateur",
        "mot de passe",
        "emploi",
        "musique",
        "photo",
        "banque",
        "téléphone",
    ],
    "en": ["email", "browser", "password", "employment", "music", "photo", "bank", "phone"],
}


def lesson_text(lang: str, number: int) -> str:
    word = WORDS[lang][number % len(WORDS[lang])]
    lines = [
        "---",
        f"title: Leçon {number} — {word}" if lang == "fr" else f"title: Lesson {number} — {word}",
        f"summary: A generated lesson about {word}, number {number}.",
        f"duration: {5 + number % 40}",
        f"level: {1 + number % 3}",
        f"topics: [{word}]",
        "updated: 2026-11-01",
        "---",
        "",
        f"An introduction to **{word}** for lesson {number}.",
        "",
    ]
    for step in range(1, 9):
        lines += [
            f"## Step {step} about {word} {{#step-{step}}}",
            "",
            f"Do the thing number {step}. Press <kbd>Enter</kbd> when you are ready.",
            "",
            "- one short sentence",
            "- another short sentence",
            "",
            "> [!TIP]",
            "> Take your time.",
            "",
            f"![Screen for step {step} of lesson {number}](shot.png)",
            "",
        ]
    return "\n".join(lines)


def make_catalogue(dest: Path, count: int) -> Path:
    """Write count lessons in French and English under dest; return dest."""
    for lang in ("fr", "en"):
        for number in range(count):
            folder = dest / lang / f"generated-{number:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "lesson.md").write_text(lesson_text(lang, number), encoding="utf-8")
            shutil.copyfile(SCREENSHOT, folder / "shot.png")
    return dest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--lessons", type=int, default=1000)
    args = parser.parse_args()
    make_catalogue(args.dest, args.lessons)
    print(f"wrote {args.lessons} lessons × 2 languages to {args.dest}")
