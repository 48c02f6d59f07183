from typing import Self

from django.db import models

from .query import TreeQuerySet as TreeQuerySet

class TreeNode(models.Model):
    parent: models.ForeignKey[Self | None, Self | None]  # related name "children"
    # Set on the nodes that a `with_tree_fields()` query returns:
    tree_depth: int
    tree_path: list[int]
    def ancestors(self, *, include_self: bool = False) -> TreeQuerySet[Self]: ...
    def descendants(self, *, include_self: bool = False) -> TreeQuerySet[Self]: ...
