from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # this module holds a second config (below): Django must be told which one is the app's
    name = "pingan.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # System checks: the production settings (deploy) and the data keys (checks).
        from . import checks, deploy  # noqa: F401


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db, the database-backed queue of background work, named in Chinese in the back office
    (its own app config calls itself "Tasks Database Backend", a plain string no translation reaches)."""

    # django-tasks-db declares it a plain str; Django's AppConfig takes a lazy translation as well.
    verbose_name = _("后台任务队列")  # type: ignore[assignment]
