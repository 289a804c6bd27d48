"""Data: corpus loaders, the hand-labeled seed pages, the page dataset builder and loaders."""
