"""A parametric south-pole terrain built from published features (an approximation).

Craters are bowls (parabolic floor, raised rim falling off as (R/r)^3 outside, rim
height 0.036 D^1.014 km after Pike 1977's fresh-crater relation); massifs, plateaus and
ridges are smooth mounds (cosine-squared profiles; plateaus flat-topped). Features
add on a flat datum. It is meant only so that the embedded default scenario shows
terrain effects (crater floors in shadow, peaks lit longer) without any download;
with a real DEM configured, that is used instead.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass

import numpy as np
import yaml
from affine import Affine

from moonbase.terrain.dem import Dem
from moonbase.terrain.window import window_crs

BUILTIN_NAME = "builtin:south-pole"


@dataclass(frozen=True)
class Feature:
    """One catalogued feature; heights and depths in km, positions in degrees."""

    name: str
    kind: str
    lat_deg: float
    lon_deg: float
    diameter_km: float
    source: str
    depth_km: float = 0.0
    height_km: float = 0.0
    approximate: bool = False


def south_pole_features() -> list[Feature]:
    """Return the packaged catalogue of south-polar features."""
    text = (importlib.resources.files("moonbase") / "data" / "south_pole_features.yaml").read_text()
    return [Feature(**item) for item in yaml.safe_load(text)["features"]]


def _profile(feature: Feature, r_m: np.ndarray) -> np.ndarray:
    radius = feature.diameter_km * 500.0
    x = r_m / radius
    if feature.kind == "crater":
        rim = 36.0 * feature.diameter_km**1.014  # m (Pike 1977, fresh simple craters)
        floor = rim - feature.depth_km * 1000.0
        inside = floor + (rim - floor) * x**2
        outside = rim * np.minimum(1.0, 1.0 / np.maximum(x, 1e-9) ** 3)
        return np.where(x < 1.0, inside, outside)
    height = feature.height_km * 1000.0
    if feature.kind == "plateau":
        return height * np.clip(1.5 - x, 0.0, 1.0) ** 2 * (3 - 2 * np.clip(1.5 - x, 0.0, 1.0))
    return height * np.cos(np.minimum(x, 1.0) * np.pi / 2) ** 2


def parametric_dem(
    center_lat_deg: float,
    center_lon_deg: float,
    size_m: float,
    resolution_m: float,
    features: list[Feature] | None = None,
) -> Dem:
    """Build the parametric terrain on a square window (heights above the datum, m)."""
    features = south_pole_features() if features is None else features
    n = max(2, round(size_m / resolution_m))
    crs = window_crs(center_lat_deg, center_lon_deg)
    probe = Dem(np.zeros((1, 1)), Affine.identity(), crs)
    cx, cy = probe.from_lonlat(center_lon_deg, center_lat_deg)
    half = n * resolution_m / 2.0
    transform = Affine(resolution_m, 0.0, float(cx) - half, 0.0, -resolution_m, float(cy) + half)
    dem = Dem(np.zeros((n, n)), transform, crs, BUILTIN_NAME)
    xx, yy = np.meshgrid(dem.x, dem.y)
    z = np.zeros((n, n))
    for feature in features:
        fx, fy = dem.from_lonlat(feature.lon_deg, feature.lat_deg)
        z += _profile(feature, np.hypot(xx - fx, yy - fy))
    return Dem(z.astype(np.float32), transform, crs, f"{BUILTIN_NAME} (approximate)")
