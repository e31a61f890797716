"""A round initials badge for residents without a photo."""

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

_PALETTE = ("#355c7d", "#6c5b7b", "#2a7f62", "#8c5a2b", "#4a6fa5", "#7a4b69")


@lru_cache(maxsize=512)
def initials_avatar(name: str, size: int) -> QPixmap:
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(_PALETTE[sum(map(ord, name)) % len(_PALETTE)]))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(QRectF(0, 0, size, size))
    font = QFont()
    font.setPixelSize(int(size * 0.42))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials)
    painter.end()
    return pixmap
