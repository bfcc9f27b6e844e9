"""Add the licence texts of the libraries a repaired wheel bundles to its LICENSE.

    python tools/wheel/bundle_licenses.py WHEEL_DIR

Run by cibuildwheel right after auditwheel, delocate or delvewheel
(pyproject.toml's repair-wheel-command), on the one wheel in WHEEL_DIR:
those tools copy the OpenMP runtime into the wheel, and its licence must
travel with it.  As NumPy's wheels do, the texts are appended to the
wheel's own license file (``<name>.dist-info/licenses/LICENSE``, the file
its METADATA names) under "This binary distribution of csigmoid also
bundles the following software:", and the file's hash and size in RECORD
are updated.  The texts are licenses/<runtime>.txt in the checkout.

Every shared library found in the folders these tools bundle into is
matched to its text; one without a known text is an error, so a new
bundled library cannot ship without its licence.  Standard library only
(it runs in cibuildwheel's build environments on every platform).
"""

import base64
import hashlib
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

LICENSES = Path(__file__).resolve().parents[2] / "licenses"
# bundled file (path inside the wheel) -> licenses/<name>.txt
RUNTIMES = (
    (re.compile(r"^csigmoid\.libs/libgomp[-.][^/]*\.so(\.\d+)*$"), "libgomp"),  # auditwheel
    (re.compile(r"^csigmoid/\.dylibs/libomp\.dylib$"), "libomp"),  # delocate
    (re.compile(r"^csigmoid\.libs/vcomp140[-.][^/]*dll$", re.IGNORECASE), "vcomp140"),  # delvewheel
)
# where the repair tools put what they bundle
BUNDLED = re.compile(r"^csigmoid(\.libs/|/\.dylibs/)[^/]+$")
HEADER = "\n\n----\n\nThis binary distribution of csigmoid also bundles the following software:\n\n"


def record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def texts_for(names):
    """The licenses/ texts for the bundled files among `names`, in order, once each."""
    texts, unknown = [], []
    for name in names:
        if not BUNDLED.match(name) or name.endswith("/"):
            continue
        matches = [text for pattern, text in RUNTIMES if pattern.match(name)]
        if not matches:
            unknown.append(name)
        elif matches[0] not in texts:
            texts.append(matches[0])
    if unknown:
        sys.exit(f"bundle_licenses: no licence text known for the bundled {unknown}")
    return texts


def add_licenses(wheel):
    with zipfile.ZipFile(wheel) as archive:
        infos = archive.infolist()
        contents = {info.filename: archive.read(info) for info in infos}
    texts = texts_for(contents)
    if not texts:
        print(f"bundle_licenses: {wheel.name} bundles no library; unchanged")
        return
    license_names = [n for n in contents if re.match(r"^[^/]+\.dist-info/licenses/LICENSE$", n)]
    records = [n for n in contents if re.match(r"^[^/]+\.dist-info/RECORD$", n)]
    if len(license_names) != 1 or len(records) != 1:
        sys.exit(f"bundle_licenses: {wheel.name} has no single dist-info LICENSE and RECORD")
    license_name, record_name = license_names[0], records[0]
    if HEADER.strip().encode() in contents[license_name]:
        sys.exit(f"bundle_licenses: {wheel.name} already lists bundled software")
    added = HEADER + "\n\n----\n\n".join((LICENSES / f"{t}.txt").read_text(encoding="utf-8") for t in texts)
    contents[license_name] += added.encode("utf-8")
    entry = f"{license_name},{record_hash(contents[license_name])},{len(contents[license_name])}"
    lines = contents[record_name].decode("utf-8").splitlines()
    lines = [entry if line.split(",")[0] == license_name else line for line in lines]
    contents[record_name] = ("\n".join(lines) + "\n").encode("utf-8")
    with tempfile.NamedTemporaryFile(dir=wheel.parent, suffix=".whl", delete=False) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in infos:  # same order, names, dates and modes
                archive.writestr(info, contents[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    shutil.move(tmp.name, wheel)
    print(f"bundle_licenses: {wheel.name}: added the licence texts of {', '.join(texts)}")


def main(argv):
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        sys.exit(__doc__)
    wheels = sorted(Path(argv[0]).glob("*.whl"))
    if len(wheels) != 1:
        sys.exit(f"bundle_licenses: expected one wheel in {argv[0]}, found {[w.name for w in wheels]}")
    add_licenses(wheels[0])


if __name__ == "__main__":
    main(sys.argv[1:])
