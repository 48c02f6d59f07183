from typing import Any

from django.db import models

class TreeNodeForeignKey(models.ForeignKey[Any, Any]): ...
