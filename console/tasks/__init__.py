"""Where Qt meets threads: the task runner, the log feed and the work the window runs.

``runner`` is the only module that starts threads for the window; the other
modules here are plain Python that runs on those threads and hands back plain
data (dataclasses), never a widget.
"""
