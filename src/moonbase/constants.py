"""Physical and data constants, unit-suffixed, each with its source."""

from __future__ import annotations

from datetime import UTC, datetime

#: LOLA reference sphere radius of the Moon (Smith et al. 2010; the LDEM products'
#: ``OFFSET`` of 1737400 m). Heights in LOLA grids are above this sphere.
MOON_RADIUS_M = 1_737_400.0
MOON_RADIUS_KM = MOON_RADIUS_M / 1000.0

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

# --- Orbits and links (communications) ---------------------------------------------

#: Gravitational parameter of the Moon, km^3/s^2 (Folkner et al. 2014, "The Planetary and
#: Lunar Ephemerides DE430 and DE431", IPN Progress Report 42-196, Table 4).
GM_MOON_KM3_S2 = 4902.800066

#: Unnormalised zonal harmonic J2 of the Moon, -sqrt(5) * C20 with the normalised
#: C20 = -9.0880e-5 of the GRAIL field GL0660B (Konopliv et al. 2013, J. Geophys. Res.
#: Planets 118, 1415), at its reference radius :data:`MOON_GRAVITY_RADIUS_KM`.
MOON_J2 = 2.0322e-4
MOON_GRAVITY_RADIUS_KM = 1738.0

#: Gravitational parameter of the Earth, km^3/s^2 (IERS Conventions 2010, Table 1.1).
GM_EARTH_KM3_S2 = 398_600.4418

#: Mean Earth-Moon distance, km (semi-major axis of the lunar orbit, 384,400 km rounded
#: as in e.g. NASA's Moon fact sheet); sets the Earth's tidal pull on a lunar orbiter.
EARTH_MOON_DISTANCE_KM = 384_400.0

#: Speed of light, m/s (SI definition).
SPEED_OF_LIGHT_M_S = 299_792_458.0

#: Boltzmann constant, J/K (SI definition, 2019); -228.6 dBW/K/Hz.
BOLTZMANN_J_K = 1.380649e-23
