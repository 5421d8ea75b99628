"""`omtquiz optimize [--deck ID] [--json]`: FSRS parameters fitted to your own reviews."""

from __future__ import annotations

import argparse
import json

from omtquiz.cli.common import open_store, profile_from, reporting_store_errors


def register(sub, add_common) -> None:
    parser = sub.add_parser(
        "optimize", help="fit the FSRS parameters to your reviews",
        description="Fit FSRS's 21 parameters to your review history (the first answer of "
        "each day per item). The older 80%% of reviews fit trial parameters, the newest 20%% "
        "score them against the current ones (log loss, RMSE); they are saved only when they "
        "predict better. With --deck, the fit uses and sets that deck's own parameters.",
    )
    add_common(parser)
    parser.add_argument("--deck", metavar="ID", help="fit one deck's parameters")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def run(args: argparse.Namespace) -> int:
    from omtquiz.study.optimize import optimize

    profile = profile_from(args)

    def fit() -> int:
        with open_store(profile) as store:
            report = optimize(store, args.deck, now=profile.clock.now())
        if args.json:
            data = report.to_dict()
            keys = ("reviews", "parameters", "log_loss_before", "log_loss_after", "rmse_before",
                    "rmse_after", "applied")
            print(json.dumps({**{k: data[k] for k in keys}, "deck": data["deck"],
                              "message": data["message"]}, indent=2))
        else:
            fit = report.fit
            print(f"{fit.reviews} review(s); log loss {_figure(fit.log_loss_before)} -> "
                  f"{_figure(fit.log_loss_after)}, RMSE {_figure(fit.rmse_before)} -> "
                  f"{_figure(fit.rmse_after)}")
            print(fit.message)
        return 0

    return reporting_store_errors(fit)
