"""The finance month-run benchmark, run tiny: it posts every payment and prints its figures."""

from adapters.finance.benchmark import measure


async def test_a_tiny_month_run_posts_every_payment_and_prints_the_figures():
    lines: list[str] = []
    figures = await measure(60, out=lines.append)
    assert figures["payments"] == 60  # every measure runs in January 2027
    assert figures["total_s"] > 0
    assert lines[0].startswith(
        "finance month run: 60 measures, 60 payments posted, 60 PaymentScheduled built"
    )
