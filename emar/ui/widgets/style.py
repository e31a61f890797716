"""One style sheet: large type for arm's length, allergy red, and a high-contrast variant."""

BASE = """
QWidget { font-size: 15px; }
QTableView { font-size: 15px; }
QHeaderView::section { font-weight: bold; padding: 6px; }
#homeName { font-size: 20px; font-weight: bold; }
#residentBanner { background: #f4f7fb; border: 2px solid #355c7d; border-radius: 6px; }
#bannerName { font-size: 26px; font-weight: bold; }
#bannerAllergies[state="allergy"] {
    color: white; background: #b00020; font-weight: bold; padding: 4px; border-radius: 3px;
}
#bannerAllergies[state="none"] { color: #1b5e20; font-weight: bold; }
#bannerAllergies[state="unknown"] { color: #8a4b00; font-weight: bold; }
#allergyAlert { font-size: 18px; font-weight: bold; padding: 6px; border-radius: 3px; }
#allergyAlert[state="stop"] { color: white; background: #b00020; }
#allergyAlert[state="caution"] { color: white; background: #8a5a00; }
#errorBanner { background: #b00020; color: white; font-weight: bold; padding: 8px; }
#userLabel { font-size: 17px; font-weight: bold; color: #1a3c5a; }
#siteNote { font-weight: bold; padding: 4px; border: 1px solid #8a5a00; }
#signInTitle { font-size: 26px; font-weight: bold; }
#signInError { color: #b00020; font-weight: bold; }
#verdictPanel { border-radius: 6px; padding: 6px; }
#verdictPanel[state="go"] { background: #1b5e20; }
#verdictPanel[state="warn"] { background: #8a5a00; }
#verdictPanel[state="stop"] { background: #b00020; }
#verdictPanel[state="ask"] { background: #0d47a1; }
#doneBanner { background: #1b5e20; color: white; font-weight: bold; padding: 8px; }
#scannerBanner { background: #8a4b00; color: white; font-weight: bold; padding: 8px; }
#verdictPanel QLabel { color: white; font-size: 16px; }
#verdictPanel #verdictHeadline { font-size: 26px; font-weight: bold; }
#confirmButton { font-size: 18px; font-weight: bold; min-height: 48px; }
#reviewName { font-size: 24px; font-weight: bold; }
#reviewTotals { font-size: 17px; font-weight: bold; color: #1a3c5a; }
#signal[severity="urgent"] { color: white; background: #b00020; padding: 3px; }
#signal[severity="attention"] { color: black; background: #ffe08a; padding: 3px; }
#signal[severity="info"] { color: black; background: #dbe9f6; padding: 3px; }
#signButton { font-size: 17px; font-weight: bold; min-height: 40px; }
"""

# The review's strips (emar/ui/review/strip.py): one colour per outcome of a dose, in words too.
USE_COLOURS = {
    "given": "#2e7d32",
    "late": "#f0a000",
    "refused": "#c62828",
    "withheld": "#616161",
    "not_given": "#8e5b9a",
    "missed": "#000000",
    "not_required": "#bfe0f5",
    "away": "#d9d9d9",
    "paper": "#90a4ae",
    "prn": "#1565c0",
}
USE_WORDS = {
    "given": "given",
    "late": "given late",
    "refused": "refused",
    "withheld": "withheld",
    "not_given": "not given (other reason)",
    "missed": "nothing recorded",
    "not_required": "not required",
    "away": "away",
    "paper": "on paper",
    "prn": "PRN doses (height)",
}

HIGH_CONTRAST = (
    BASE
    + """
QWidget { background: black; color: white; font-size: 17px; }
QTableView {
    background: black; color: white; gridline-color: white; alternate-background-color: #202020;
}
#userLabel { color: yellow; }
QPushButton { border: 2px solid white; padding: 6px; }
#residentBanner { background: black; border: 3px solid yellow; }
#bannerAllergies[state="none"] { color: #7CFC00; }
"""
)
