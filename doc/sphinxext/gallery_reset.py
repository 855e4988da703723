"""Per-example resets for sphinx-gallery.

sphinx-gallery runs every example in the same process. Each example should
start from scikit-learn's default global configuration, whatever the example
before it set with :func:`sklearn.set_config`.
"""

import sklearn

# Read when conf.py imports this module, before any example has run.
_DEFAULT_CONFIG = sklearn.get_config()


def reset_sklearn_config(gallery_conf, fname):
    """Restore scikit-learn's global configuration to its defaults."""
    sklearn.set_config(**_DEFAULT_CONFIG)
