"""Static files: read once at start-up, addressed by a content fingerprint and cached for a year under it."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from litestar import HttpMethod, Request, Response, route
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server.config import ROOT
from server.web.access import PUBLIC

STATIC_ROOT = ROOT / "static"
# A fingerprinted URL names one content forever: any cache may keep it for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
# The plain name follows the current content: kept briefly, then revalidated cheaply through the ETag.
SHORT = "public, max-age=300"
DIGEST_LENGTH = 12
_FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[^./]+)$")
_TYPES = {".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".js": "text/javascript"}


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]


def fingerprinted_name(name: str, digest: str) -> str:
    """'vendor/htmx.min.js' → 'vendor/htmx.min.<digest>.js': the digest goes before the last suffix, so the
    served type still follows the extension."""
    path = Path(name)
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


@dataclass(frozen=True)
class Asset:
    name: str
    content: bytes
    digest: str
    media_type: str

    @property
    def url(self) -> str:
        return "/static/" + fingerprinted_name(self.name, self.digest)


class StaticAssets:
    """Every file under a folder, held in memory (a few hundred KB) with its fingerprint."""

    def __init__(self, root: Path) -> None:
        self.files: dict[str, Asset] = {}
        for path in sorted(root.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in Path(name).parts):
                content = path.read_bytes()
                self.files[name] = Asset(name, content, fingerprint(content), _media_type(path))

    def url(self, name: str) -> str:
        """The fingerprinted address of a static file; a name that is not there is a template bug, so it raises."""
        return self.files[name].url

    def find(self, requested: str) -> tuple[Asset, bool] | None:
        """The file a path asks for, and whether the path names exactly this content (and may be cached forever).
        An old fingerprint (a page cached from before a deploy) still gets the current file, briefly cached."""
        if requested in self.files:
            return self.files[requested], False
        match = _FINGERPRINTED.match(requested)
        if match is None:
            return None
        asset = self.files.get(match["stem"] + match["suffix"])
        if asset is None:
            return None
        return asset, asset.digest == match["digest"]


def _media_type(path: Path) -> str:
    # Litestar adds "; charset=utf-8" to text/* types itself.
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@cache
def assets() -> StaticAssets:
    return StaticAssets(STATIC_ROOT)


def static_url(name: str) -> str:
    return assets().url(name)


def asset_response(request: Request, asset: Asset, cache_control: str) -> Response:
    etag = f'"{asset.digest}"'
    headers = {"Cache-Control": cache_control, "ETag": etag}
    if_none_match = request.headers.get("if-none-match", "")
    if etag in {part.strip().removeprefix("W/") for part in if_none_match.split(",")}:
        return Response(content=b"", status_code=304, headers=headers, media_type=asset.media_type)
    return Response(content=asset.content, headers=headers, media_type=asset.media_type)


@route(
    "/static/{file_path:path}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    name="static",
    opt={**PUBLIC, "skip_session": True},
    sync_to_thread=False,
)
def static_file(request: Request, file_path: FromPath[str]) -> Response:
    found = assets().find(file_path.lstrip("/"))
    if found is None:
        raise NotFoundException()
    asset, exact = found
    return asset_response(request, asset, IMMUTABLE if exact else SHORT)


ROUTES = [static_file]
