"""Station systems: power, thermal (regolith and modules) and communications."""
