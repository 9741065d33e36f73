"""Terrain: DEM grids, horizon maps, illumination and Earth-visibility maps."""
