#!/usr/bin/env python3
"""Installs the built hashsieve package (BUILD/python/hashsieve) into the running interpreter's
environment: the active virtual environment, or with --user the user site. Run it with the
interpreter that will import it (the module is built for one Python version):

    .venv/bin/python python/install.py build            # a virtual environment
    /usr/bin/python3 python/install.py --user build      # the user site
"""

import argparse
import pathlib
import shutil
import site
import sys
import sysconfig


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build", nargs="?", default="build", help="the build directory (default: build)")
    p.add_argument("--user", action="store_true", help="install into the user site-packages")
    args = p.parse_args()

    package = pathlib.Path(args.build) / "python" / "hashsieve"
    tag = sysconfig.get_config_var("EXT_SUFFIX")
    if not list(package.glob(f"_native{tag}")):
        sys.exit(f"{package} has no _native{tag}: build first, for this Python ({sys.executable})")
    in_venv = sys.prefix != sys.base_prefix
    if args.user:
        target = pathlib.Path(site.getusersitepackages())
    elif in_venv:
        target = pathlib.Path(sysconfig.get_paths()["purelib"])
    else:
        sys.exit("not in a virtual environment: run with a venv's python, or pass --user")
    dest = target / "hashsieve"
    if dest.exists():
        shutil.rmtree(dest)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(package, dest, symlinks=False, ignore=shutil.ignore_patterns("__pycache__"))
    print(f"installed hashsieve into {dest}")


if __name__ == "__main__":
    main()
