"""``concord keys new|show|sign-vote``: make a member key where the representative is, and sign votes with it.

Standard library and ``cryptography`` only: it runs on the representative's own machine, and the private key never
leaves the file it is written to. The file is a JSON Web Key (RFC 8037: ``{"kty": "OKP", "crv": "Ed25519", "d",
"x"}``, base64url), the form the browser's WebCrypto exports too, so a key made on the account page works here.
"""

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.recount import ChoiceError, check_choice
from governance.log.signing import key_id_of, sign_vote

__all__ = ["main", "read_private_key", "write_private_key"]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(private: Ed25519PrivateKey) -> str:
    """The public key as the server takes it: standard base64 of its raw 32 bytes."""
    return base64.b64encode(private.public_key().public_bytes_raw()).decode()


def write_private_key(private: Ed25519PrivateKey, path: Path) -> None:
    """Write the key as a JWK to a new file only its owner can read (mode 0600); an existing file is not replaced."""
    raw = private.private_bytes_raw()
    public = private.public_key().public_bytes_raw()
    jwk = {"kty": "OKP", "crv": "Ed25519", "d": _b64url(raw), "x": _b64url(public), "kid": key_id_of(public)}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(jwk, indent=1) + "\n")


def read_private_key(path: Path) -> Ed25519PrivateKey:
    """The private key of a JWK file written by ``concord keys new`` or exported from the browser."""
    try:
        jwk = json.loads(Path(path).read_text(encoding="utf-8"))
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError("not an Ed25519 JSON Web Key")
        private = Ed25519PrivateKey.from_private_bytes(_unb64url(jwk["d"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"concord keys: cannot read the key file {path}: {error}") from None
    if "x" in jwk and _unb64url(jwk["x"]) != private.public_key().public_bytes_raw():
        raise SystemExit(f"concord keys: the key file {path} holds a public key that is not its private key's")
    return private


def _new(args: argparse.Namespace) -> int:
    private = Ed25519PrivateKey.generate()
    try:
        write_private_key(private, Path(args.out))
    except FileExistsError:
        print(f"concord keys: {args.out} exists; choose another file (a key is never overwritten)", file=sys.stderr)
        return 1
    return _show_key(private, f"private key written to {args.out} (mode 0600): keep it, never send it")


def _show(args: argparse.Namespace) -> int:
    return _show_key(read_private_key(Path(args.key)), None)


def _show_key(private: Ed25519PrivateKey, note: str | None) -> int:
    if note:
        print(note, file=sys.stderr)
    print(f"public_key {public_key_text(private)}")
    print(f"key_id {key_id_of(private.public_key().public_bytes_raw())}")
    return 0


def _get(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"concord keys: {url}: HTTP {error.code} {error.read().decode(errors='replace')}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SystemExit(f"concord keys: cannot read {url}: {error}") from None


def _sign_vote(args: argparse.Namespace) -> int:
    """Print the JSON body of a signed vote, to PUT to .../proposals/N/ballot/votes/MEMBER with your API token."""
    private = read_private_key(Path(args.key))
    base = f"{args.server.rstrip('/')}/api/v1/coalitions/{urllib.parse.quote(args.coalition)}"
    ballot = _get(f"{base}/proposals/{args.proposal}/ballot")
    proposal = _get(f"{base}/proposals/{args.proposal}")
    seq = args.seq or _get(f"{base}/members/{urllib.parse.quote(args.member)}/keys")["last_seq"] + 1
    try:
        vote = check_choice(ballot["rule"], proposal.get("options") or [], json.loads(args.vote))
    except (ChoiceError, ValueError) as error:
        print(f"concord keys: the vote {args.vote}: {error}", file=sys.stderr)
        return 2
    signing = ballot["signing"]
    fields = sign_vote(private, origin=signing["origin"], number=args.proposal, ballot=signing["ballot"],
                       member=args.member, vote=vote, seq=seq)
    print(json.dumps({**vote, **fields}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord keys", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="make a new Ed25519 member key; print its public key and key id")
    new.add_argument("--out", required=True, help="the file for the private key (created with mode 0600)")
    new.set_defaults(run=_new)
    show = commands.add_parser("show", help="print the public key and key id of a key file")
    show.add_argument("key")
    show.set_defaults(run=_show)
    sign = commands.add_parser("sign-vote", help="print the JSON body of a vote signed with your key")
    sign.add_argument("--key", required=True, help="your private key file")
    sign.add_argument("--server", required=True, help="the Concord server, e.g. https://concord.example.org")
    sign.add_argument("--coalition", required=True, help="the coalition's slug")
    sign.add_argument("--proposal", required=True, type=int, help="the proposal number")
    sign.add_argument("--member", required=True, help="your organization's slug")
    sign.add_argument("--vote", required=True, help='the vote as JSON, e.g. \'{"choice": "yes"}\'')
    sign.add_argument("--seq", type=int, help="the sequence number (default: one above your last signed vote)")
    sign.set_defaults(run=_sign_vote)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
