"""manage.py generate_network: a synthetic network for measuring speed at scale."""

from django.core.management.base import BaseCommand, CommandError

from schemes.services.network import SIZES, NetworkExists, generate_network


class Command(BaseCommand):
    help = (
        "Write a synthetic network into the database, reproducibly from a seed: 'large' is 50 programmes, "
        "1,000 schemes, 2,000 cities, 400 associations, 5,000 people, 3,000 visits, 20,000 actions with updates, "
        "filled questionnaires and self-assessments. Use a fresh database (a second network is refused)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="large")
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same network")

    def handle(self, *args, size, seed, **options):
        try:
            counts = generate_network(size=size, seed=seed, say=self.stdout.write)
        except NetworkExists as error:
            raise CommandError(str(error)) from error
        for model, count in sorted(counts.items()):
            self.stdout.write(f"  {model:34} {count:>8,}")
