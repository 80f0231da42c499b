"""python -m dashboard.users add|reset|remove|list — manage the app's users (data/users.json or $DASHBOARD_USERS)."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard import db, queries
from dashboard.auth import ROLES, hash_password, load_users, save_users, users_file
from warehouse.paths import db_path


def check_scope(kind: str, value: str) -> None:
    """Refuses a county or department the warehouse does not have (an alias such as 宣威 is refused too: an
    account's scope is compared with the data by its official name)."""
    label = {"county": "县（市、区）", "department": "承办单位"}[kind]
    try:
        dims = db.query(queries.sql("dimensions"))
    except db.WarehouseMissing:
        raise SystemExit(f"没有数据仓库（{db_path()}），无法核对{label}；请先运行 `python -m etl run`") from None
    known = dims.filter(dims["kind"] == kind)["value"].to_list()
    if value not in known:
        near = [k for k in known if value in k or k in value]
        hint = f"；是否指：{'、'.join(near)}" if near else f"；可选：{'、'.join(known[:12])}{' 等' if len(known) > 12 else ''}"
        raise SystemExit(f"数据仓库中没有{label}“{value}”{hint}")


def _password(args) -> str:
    if args.password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = getpass.getpass("密码: ")
        if getpass.getpass("再次输入: ") != pw:
            raise SystemExit("两次输入的密码不一致")
    if len(pw) < 8:
        raise SystemExit("密码至少 8 位")
    return pw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.users", description="管理看板用户")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add", help="add a user")
    a.add_argument("username")
    a.add_argument("--name", help="display name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--county", help="for 县级: the county (e.g. 宣威市)")
    a.add_argument("--department", help="for 部门: the 承办单位 as in the 12345 data")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    r = sub.add_parser("reset", help="reset a user's password")
    r.add_argument("username")
    r.add_argument("--password-stdin", action="store_true")
    d = sub.add_parser("remove", help="remove a user")
    d.add_argument("username")
    sub.add_parser("list", help="list users (no hashes)")
    args = ap.parse_args(argv)
    users = load_users()
    if args.cmd == "add":
        if args.username in users:
            raise SystemExit(f"user {args.username} exists; use reset")
        if args.role == "县级" and not args.county:
            raise SystemExit("县级 users need --county")
        if args.role == "部门" and not args.department:
            raise SystemExit("部门 users need --department")
        if args.county:
            check_scope("county", args.county)
        if args.department:
            check_scope("department", args.department)
        users[args.username] = {
            "name": args.name or args.username,
            "role": args.role,
            "county": args.county,
            "department": args.department,
            "password_hash": hash_password(_password(args)),
        }
    elif args.cmd == "reset":
        if args.username not in users:
            raise SystemExit(f"no user {args.username}")
        users[args.username]["password_hash"] = hash_password(_password(args))
    elif args.cmd == "remove":
        users.pop(args.username, None)
    else:
        for name, u in sorted(users.items()):
            print(f"{name}\t{u['role']}\t{u.get('county') or u.get('department') or ''}\t{u.get('name', '')}")
        return 0
    save_users(users)
    print(f"{args.cmd}: {args.username} ({users_file()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
