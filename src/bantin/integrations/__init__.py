"""Bridges to other engines: ``bantin.integrations.ray`` (Ray Data). Each needs its extra (``pip install 'bantin[ray]'``)."""
