"""omtquiz: offline OMT study for DO students."""

__version__ = "0.1.0"
