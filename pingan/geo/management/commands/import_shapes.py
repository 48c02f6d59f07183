"""Import outlines of regions and grid cells from a GeoJSON file (or CSV/Excel with a WKT column).

    manage.py import_shapes zhuzhou_outlines.geojson --coord-system gcj02 --user admin [--dry-run]

All or nothing, as in the admin and the API: every problem is listed (naming the feature) and nothing
is written unless there are none."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pingan.core.errors import ApplicationError
from pingan.geo.choices import ShapeSource
from pingan.geo.coords import CoordSystem
from pingan.geo.services import DEFAULT_OVERLAP_M2, DEFAULT_OVERLAP_SHARE, read_features, shapes_import


class Command(BaseCommand):
    help = "Import region and grid outlines from GeoJSON (or CSV/Excel with a WKT column); all or nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="a GeoJSON FeatureCollection, or a CSV/.xlsx file with a WKT column")
        parser.add_argument("--coord-system", default=CoordSystem.WGS84, choices=CoordSystem.values)
        parser.add_argument("--source", default=ShapeSource.IMPORTED, choices=ShapeSource.values)
        parser.add_argument("--overlap-share", type=float, default=DEFAULT_OVERLAP_SHARE)
        parser.add_argument("--overlap-m2", type=float, default=DEFAULT_OVERLAP_M2)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", help="username recorded as the actor (default: none, no jurisdiction limit)")

    def handle(self, *args: Any, file: str, user: str | None = None, **options: Any) -> None:
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No such user: {user}")
        started = time.perf_counter()
        try:
            features = read_features(file)
            result = shapes_import(
                features=features,
                actor=actor,
                coord_system=options["coord_system"],
                source=options["source"],
                overlap_share=options["overlap_share"],
                overlap_m2=options["overlap_m2"],
                dry_run=options["dry_run"],
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        seconds = time.perf_counter() - started
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"{result.total} features checked, no errors ({seconds:.1f} s)."))
            return
        counts = (
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.details.get('grids_created', 0)} new grid cells"
        )
        self.stdout.write(self.style.SUCCESS(f"{result.total} features: {counts} ({seconds:.1f} s)."))
