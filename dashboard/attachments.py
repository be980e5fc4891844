"""Attachments to verification feedback: scanned forms, photos, PDFs.

The bytes are kept once, named by their SHA-256, under the application's
files folder (`RELIEFGRAPH_APP_FILES`), without an extension and without
execute permission; the database keeps what the user called the file, its
size, type, digest, who added it and when (orders.py, `order_attachments`).

A file is accepted by what it is, not what it is called: its first bytes
must be a PDF, JPEG or PNG signature, and its name's extension must agree
(a renamed .exe is refused, so is a photo called .pdf). Three fixed
signatures do not justify a libmagic dependency. Nothing here opens,
renders or runs the content; the pages offer it only as a download.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from reliefgraph.settings import Settings

# mime → (signature at offset 0, extensions a user may give it)
TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
ALLOWED = "PDF、JPEG、PNG"


class AttachmentError(ValueError):
    """An attachment was refused; the message names the file and why (Chinese + English)."""


@dataclass(frozen=True)
class Checked:
    name: str
    data: bytes
    mime: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def clean_name(name: str) -> str:
    # A browser may send a full client path; keep the last component only.
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip()
    return "".join(ch for ch in base if ch.isprintable())[:200] or "attachment"


def sniff(data: bytes) -> str | None:
    for mime, (signature, _) in TYPES.items():
        if data.startswith(signature):
            return mime
    return None


def check(name: str, data: bytes, max_bytes: int | None = None) -> Checked:
    """The file as it will be stored, or AttachmentError saying why not."""
    name = clean_name(name)
    limit = max_bytes if max_bytes is not None else max_attachment_bytes()
    if not data:
        raise AttachmentError(f"附件“{name}”为空 the attachment {name!r} is empty")
    if len(data) > limit:
        raise AttachmentError(f"附件“{name}”大小 {len(data) / MB:.1f} MB 超过上限 {limit / MB:g} MB "
                              f"the attachment {name!r} is larger than the {limit / MB:g} MB limit")
    mime = sniff(data)
    if mime is None:
        raise AttachmentError(f"附件“{name}”的内容不是 {ALLOWED} 文件，已拒绝 the content of {name!r} is not a "
                              "PDF, JPEG or PNG file; refused")
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in TYPES[mime][1]:
        raise AttachmentError(f"附件“{name}”的扩展名与内容（{mime}）不符，已拒绝 the name of {name!r} does not match "
                              f"its content ({mime}); refused")
    return Checked(name, data, mime, hashlib.sha256(data).hexdigest())


# A megabyte here is Streamlit's (2**20 bytes), so the limit the file box
# states and enforces is the limit `check` enforces: nothing the browser
# accepts is refused afterwards for its size.
MB = 1024 * 1024


def max_attachment_bytes(settings: Settings | None = None) -> int:
    return int((settings or Settings.from_env()).attachment_max_mb * MB)


def upload_cap_mb(settings: Settings | None = None) -> int:
    """The limit in whole MB for Streamlit (`server.maxUploadSize` and the
    file box), which takes integers: a fractional setting rounds up, and
    `check` still refuses what lies beyond it, with a reason."""
    return max(1, -(-max_attachment_bytes(settings) // MB))


def files_root(settings: Settings | None = None) -> Path:
    return Path((settings or Settings.from_env()).app_files).expanduser() / "attachments"


def path_of(sha256: str, root: Path | None = None) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise AttachmentError(f"附件编号无效 not an attachment digest: {sha256!r}")
    return (root or files_root()) / sha256[:2] / sha256


def keep(checked: Checked, root: Path | None = None) -> Path:
    """Write the bytes once under their digest (a second copy of the same
    file costs nothing); atomic, owner-only, never executable."""
    path = path_of(checked.sha256, root)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(checked.data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read(sha256: str, root: Path | None = None) -> bytes:
    """The stored bytes, checked against their digest (a file changed on disk is refused)."""
    path = path_of(sha256, root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AttachmentError(f"附件文件缺失 the attachment's file is missing ({sha256[:12]}…)") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AttachmentError(f"附件文件已被改动 the attachment's file was changed on disk ({sha256[:12]}…)")
    return data
