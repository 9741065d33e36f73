"""Offline DE421 ephemeris and the Moon's mean-Earth frame, loaded once and passed in.

The planetary ephemeris comes from the ``skyfield-data`` package; the lunar orientation
kernel ``moon_pa_de421_1900-2050.bpc`` and frame kernel ``moon_080317.tf`` ship inside
the ``lunarsky`` wheel. Only the files are used: no lunarsky function runs, so nothing
is ever downloaded.
"""

from __future__ import annotations

import importlib.resources
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from skyfield.api import Loader, PlanetaryConstants
from skyfield.timelib import Time, Timescale

from moonbase.constants import (
    EPHEMERIS_START_UTC,
    EPHEMERIS_STOP_UTC,
    MOON_FRAME_NAME,
    MOON_RADIUS_M,
)
from moonbase.errors import EphemerisRangeError

_LUNAR_PCK = "pck/moon_pa_de421_1900-2050.bpc"
_LUNAR_FK = "fk/satellites/moon_080317.tf"


@dataclass(frozen=True, eq=False)
class Ephemeris:
    """Everything needed to place the Sun and Earth in a lunar sky.

    Build it with :func:`load_ephemeris` and pass it to the functions that need it.

    Attributes
    ----------
    ts : Timescale
        The one timescale that builds every :class:`~skyfield.timelib.Time`.
    bodies : skyfield SpiceKernel
        DE421 segments: ``bodies['sun']``, ``bodies['earth']``, ``bodies['moon']``.
    moon_frame : skyfield Frame
        ``MOON_ME_DE421``, the frame of the LOLA maps.
    constants : PlanetaryConstants
        The loaded lunar kernels (frames other than ME can be built from it).
    coverage_tdb_jd : tuple of float
        First and last TDB Julian date where both kernels have data.
    """

    ts: Timescale
    bodies: Any
    moon_frame: Any
    constants: PlanetaryConstants
    coverage_tdb_jd: tuple[float, float]

    def check_covers(self, t: Time) -> None:
        """Raise :class:`EphemerisRangeError` if any of ``t`` is outside the kernels."""
        tdb = np.atleast_1d(t.tdb)
        start, stop = self.coverage_tdb_jd
        outside = (tdb < start) | (tdb > stop) | ~np.isfinite(tdb)
        if outside.any():
            first_bad = np.atleast_1d(t.utc_iso())[int(np.argmax(outside))]
            raise EphemerisRangeError(
                first_bad,
                EPHEMERIS_START_UTC.strftime("%Y-%m-%dT%H:%MZ"),
                EPHEMERIS_STOP_UTC.strftime("%Y-%m-%dT%H:%MZ"),
            )


def _skyfield_data_loader() -> Loader:
    import skyfield_data

    # skyfield-data warns that its bundled Earth-orientation file has expired; moonbase
    # never reads that file (it uses skyfield's builtin UTC/UT1 tables), so the warning
    # would only mislead users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        path = skyfield_data.get_skyfield_data_path()
    return Loader(path, verbose=False)


@cache
def load_ephemeris() -> Ephemeris:
    """Load DE421 and the lunar frame kernels from installed packages.

    Cached: every call returns the same read-only object.

    Examples
    --------
    >>> eph = load_ephemeris()
    >>> eph.moon_frame.center
    301
    """
    load = _skyfield_data_loader()
    bodies = load("de421.bsp")
    ts = load.timescale(builtin=True)

    kernels = importlib.resources.files("lunarsky") / "data"
    constants = PlanetaryConstants()
    with (kernels / _LUNAR_FK).open("rb") as f:
        constants.read_text(f)
    # The binary kernel is read lazily, segment by segment, so its file stays open
    # for the life of the (cached) ephemeris.
    constants.read_binary((kernels / _LUNAR_PCK).open("rb"))
    # The LOLA reference sphere, so that skyfield-built surface points agree with ours.
    radius_km = MOON_RADIUS_M / 1000.0
    constants.variables["BODY301_RADII"] = [radius_km, radius_km, radius_km]
    moon_frame = constants.build_frame_named(MOON_FRAME_NAME)

    pck_segments = list(constants._segment_map.values())
    spk_segments = [s.spk_segment for s in bodies.segments]
    start = max(*(s.initial_jd for s in pck_segments), *(s.start_jd for s in spk_segments))
    stop = min(*(s.final_jd for s in pck_segments), *(s.end_jd for s in spk_segments))
    return Ephemeris(ts, bodies, moon_frame, constants, (float(start), float(stop)))
