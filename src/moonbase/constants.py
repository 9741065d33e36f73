"""Physical and data constants, unit-suffixed, each with its source."""

from __future__ import annotations

from datetime import UTC, datetime

#: LOLA reference sphere radius of the Moon (Smith et al. 2010; the LDEM products'
#: ``OFFSET`` of 1737400 m). Heights in LOLA grids are above this sphere.
MOON_RADIUS_M = 1_737_400.0

#: IAU 2015 Resolution B3 nominal solar radius.
SUN_RADIUS_KM = 695_700.0

#: IAU 2015 Resolution B3 nominal terrestrial equatorial radius; used for the Earth's
#: apparent angular radius as seen from the Moon.
EARTH_RADIUS_KM = 6_378.1

#: Total solar irradiance at 1 au (Kopp & Lean 2011, Geophys. Res. Lett. 38, L01706:
#: 1360.8 +- 0.5 W/m2; 1361 W/m2 is the IAU 2015 B3 nominal value).
SOLAR_CONSTANT_W_M2 = 1361.0

#: IAU astronomical unit (2012 Resolution B2).
AU_KM = 149_597_870.700

#: Mean synodic month (lunation), e.g. Meeus, Astronomical Algorithms, 2nd ed., ch. 49.
SYNODIC_MONTH_D = 29.530589

#: Span covered by both DE421 (1899-07-29..2053-10-09) and the lunar orientation kernel
#: ``moon_pa_de421_1900-2050.bpc`` (1900-01-01..2051-01-01 TDB), as UTC instants a
#: minute inside so that TDB-UTC (-3 s in 1900, +69 s in 2050) cannot push a
#: validated time outside. ``tests/reference`` checks them against the kernels.
EPHEMERIS_START_UTC = datetime(1900, 1, 1, 0, 1, tzinfo=UTC)
EPHEMERIS_STOP_UTC = datetime(2050, 12, 31, 23, 58, tzinfo=UTC)

#: NAIF frame of the LOLA maps: the lunar mean-Earth/polar-axis frame realised by DE421.
MOON_FRAME_NAME = "MOON_ME_DE421"
