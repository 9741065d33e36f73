"""The ``moonbase`` command: parse, call the pipeline, print, save. No science here."""
