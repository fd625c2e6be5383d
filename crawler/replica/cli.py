"""``govcrawl replica serve``: run the offline replica until Ctrl-C."""
from __future__ import annotations

import argparse
import signal
import sys
import threading


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("replica", help="offline replica of the municipal sites")
    sub = p.add_subparsers(dest="replica_cmd", metavar="COMMAND")
    s = sub.add_parser("serve", help="serve every replica site on 127.0.0.1 until Ctrl-C")
    s.add_argument("--articles", type=int, default=100, help="articles per site (default 100)")
    s.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    s.add_argument("--port-base", type=int, default=None, help="first port (sites get consecutive ports); default ephemeral")
    s.add_argument("--no-faults", action="store_true", help="disable the one-time 503s and dead links")
    s.add_argument("--sites", default=None, help="comma-separated subset of sites")
    s.set_defaults(func=cmd_serve)
    t = sub.add_parser("truth", help="print the truth (JSON lines) for a seed without serving")
    t.add_argument("--articles", type=int, default=100)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--port-base", type=int, default=8700)
    t.add_argument("--site", default=None)
    t.set_defaults(func=cmd_truth)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])
    return p


def cmd_serve(args, stop_event: threading.Event | None = None) -> int:
    from .replica import Replica

    sites = args.sites.split(",") if getattr(args, "sites", None) else None
    rep = Replica(articles=args.articles, seed=args.seed, faults=not args.no_faults, port_base=args.port_base, sites=sites)
    rep.start()
    try:
        for name, site in rep.sites.items():
            print(f"{name}\t{site.base_url}\t(real: {site.real_base_url}, {site.truth_encoding} labelled {site.declared})", flush=True)
        print(f"serving {sum(len(s.articles) for s in rep.sites.values())} articles; Ctrl-C to stop", flush=True)
        ev = stop_event or threading.Event()
        if stop_event is None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *a: ev.set())
        try:
            while not ev.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        rep.stop()
    return 0


def cmd_truth(args) -> int:
    import dataclasses
    import json

    from .replica import Replica

    rep = Replica(articles=args.articles, seed=args.seed, port_base=args.port_base)
    names = [args.site] if args.site else list(rep.sites)
    for n in names:
        for t in rep.truth(n):
            sys.stdout.write(json.dumps(dataclasses.asdict(t), ensure_ascii=False) + "\n")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="govcrawl")
    register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
