import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from rentan.accounts.models import Role, User
from rentan.regions.models import Area
from rentan.registry import services
from rentan.registry.demo import JobShare, Village, generate_people, plausible_weights
from rentan.registry.models import Person, PersonSource

DEMO_PASSWORD = "rentan-demo"  # noqa: S105 (the demo's published logins, printed by make demo)
DEMO_SEED = 2023

# How the city's informal workers spread over job types in the demo (shares, not counts).
DEMO_JOBS = [
    JobShare("pengayuh-becak", 3, men_only=True),
    JobShare("sopir-angkot", 2, men_only=True),
    JobShare("tukang-pijat-disabilitas", 0.5, disability="Tunanetra"),
    JobShare("lebe", 0.5, men_only=True),
    JobShare("pengatur-lalu-lintas", 0.3, disability="Tunarungu"),
    JobShare("penggali-kubur", 0.4, men_only=True),
    JobShare("buruh-harian-lepas", 12),
    JobShare("kuli-bangunan", 8, men_only=True),
    JobShare("pedagang-keliling", 8),
    JobShare("kuli-panggul", 3, men_only=True),
    JobShare("ojek-pangkalan", 4, men_only=True),
    JobShare("buruh-batik", 7),
    JobShare("marbot", 1, men_only=True),
    JobShare("pedagang-warung", 12),
    JobShare("pedagang-kaki-lima", 10),
    JobShare("penjahit-rumahan", 7),
    JobShare("nelayan", 5, men_only=True),
    JobShare("ojek-daring", 6, men_only=True),
    JobShare("tukang-cukur", 2, men_only=True),
    JobShare("asisten-rumah-tangga", 6),
]


class Command(BaseCommand):
    help = "Bangun data demo sintetis (Kota Pekalongan: ±45.000 pekerja informal) dan akun demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=45_000)
        parser.add_argument("--seed", type=int, default=DEMO_SEED)

    def handle(self, *args: Any, persons: int, seed: int, **options: Any) -> None:
        started = time.monotonic()
        region = settings.RENTAN_REGION_CODE
        villages = list(Area.objects.villages_of(region).order_by("code"))
        if not villages:
            raise CommandError(f"Wilayah {region} belum dimuat: jalankan `rentan load_areas`.")
        if Person.objects.exists():
            self.stdout.write("Data pekerja sudah ada; data demo tidak dimuat ulang.")
        else:
            self._load_people(villages, persons, seed)
        self._ensure_users(villages)
        for step in settings.RENTAN_DEMO_STEPS:
            import_string(step)(out=self.stdout, today=timezone.localdate())
        self.stdout.write(f"Selesai dalam {time.monotonic() - started:.1f} detik.\n")
        self._print_logins()

    @transaction.atomic
    def _load_people(self, villages: list[Area], total: int, seed: int) -> None:
        weights = plausible_weights([v.code for v in villages], seed)
        self._store_plausible_populations(villages, weights)
        people = list(
            generate_people(
                villages=[Village(v.code, w) for v, w in zip(villages, weights, strict=True)],
                jobs=DEMO_JOBS,
                total=total,
                today=timezone.localdate(),
                seed=seed,
            )
        )
        now = timezone.now()
        services.register_persons_in_bulk(
            actor=None,
            people=people,
            source=PersonSource.DEMO,
            source_detail=f"demo_data --seed {seed}",
            target=Area.objects.get(code=settings.RENTAN_REGION_CODE),
            changes={"pekerja": len(people)},
            note=f"Data demo sintetis, seed {seed}",
            verified_at=lambda person: now if person.is_verified else None,
        )
        self.stdout.write(f"{len(people)} pekerja demo dimuat di {len(villages)} kelurahan.")

    def _store_plausible_populations(self, villages: list[Area], weights: list[int]) -> None:
        """Kemendagri publishes population only down to kabupaten/kota; the demo spreads the
        city's figure over its kelurahan so that quotas by population have something to use."""
        city = Area.objects.get(code=settings.RENTAN_REGION_CODE)
        total = city.population or sum(weights)
        scale = sum(weights)
        for village, weight in zip(villages, weights, strict=True):
            village.population = total * weight // scale
        Area.objects.bulk_update(villages, ["population"])

    def _ensure_users(self, villages: list[Area]) -> None:
        accounts = [
            ("admin", Role.ADMIN, "Admin Dinperinaker", None),
            ("operator", Role.OPERATOR, "Operator Kelurahan", villages[0]),
            ("operator2", Role.OPERATOR, "Operator Kelurahan 2", villages[-1]),
            ("verifikator", Role.VERIFIER, "Verifikator Dinas", None),
            ("bpjs", Role.BPJS_OFFICER, "Petugas BPJS Ketenagakerjaan", None),
            ("pimpinan", Role.LEADER, "Pimpinan", None),
        ]
        for username, role, full_name, kelurahan in accounts:
            first, _, last = full_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "kelurahan": kelurahan,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()

    def _print_logins(self) -> None:
        self.stdout.write(f"\nAkun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        for user in User.objects.order_by("id").select_related("kelurahan"):
            where = f" — Kel. {user.kelurahan.name}" if user.kelurahan else ""
            self.stdout.write(f"  {user.username:<12} {user.get_role_display()}{where}")
