import inspect

import pytest

from fitlake.registry import LAYER_PACKAGES, contracts, daily_contracts, in_build_order, subpackages, table_modules

# The daily layers' modules and their subpackages' (silver/stedi/...): every table module has the same shape.
ALL_MODULES = [m for layer in LAYER_PACKAGES for p in (layer, *subpackages(layer)) for m in table_modules(p)]


@pytest.mark.parametrize("module", ALL_MODULES, ids=lambda m: m.name)
def test_each_table_module_reads_declared_tables_in_the_order_its_transform_takes_them(module):
    if module.contract.schema == "bronze":  # a declaration: ingestion applies fitlake.bronze_rows.to_bronze
        assert module.module.SOURCE.folder and not hasattr(module.module, "transform")
        return
    signature = inspect.signature(module.transform).parameters.values()
    positional = [p for p in signature if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert module.inputs, f"{module.name} reads nothing"
    assert all(name in contracts() for name in module.inputs)
    assert len(positional) == len(module.inputs)
    assert {p.name for p in signature if p.kind is p.KEYWORD_ONLY} <= {"secrets", "model"}


def test_every_silver_table_has_a_quarantine_and_ops_tables_are_declared():
    names = set(contracts())
    for m in table_modules("silver"):
        # a history versions another table's conformed rows, which that table's quarantine accounts for
        assert (f"{m.name}_quarantine" in names) == (m.history is None), m.name
    assert {"ops.run_log", "ops.ingested_files", "ops.reconciliation"} <= names


def test_build_order_puts_each_table_after_the_tables_it_reads():
    for layer in LAYER_PACKAGES:
        built: set[str] = set()
        for m in in_build_order(layer):
            assert not {i for i in m.inputs if i.startswith(f"{layer}.")} - built
            built.add(m.name)


def test_a_layers_subpackage_is_a_pipeline_of_its_own_that_the_daily_layer_leaves_out():
    assert "silver.stedi" in subpackages("silver")
    daily = {m.module.__name__ for layer in LAYER_PACKAGES for m in table_modules(layer)}
    assert daily and not [name for name in daily if name.count(".") > 1]
    assert [m.name for m in in_build_order("silver.stedi")] == [
        "silver.stedi_customer_trusted",
        "silver.stedi_accelerometer_trusted",
        "silver.stedi_step_trainer_trusted",
    ]


def test_contracts_hold_every_subpackages_tables_and_daily_contracts_only_the_daily_pipelines():
    pipelines = {m.name for layer in LAYER_PACKAGES for p in subpackages(layer) for m in table_modules(p)}
    assert "gold.stedi_machine_learning_curated" in pipelines
    assert pipelines <= set(contracts())
    assert "silver.stedi_customer_trusted_quarantine" in contracts()
    assert not pipelines & set(daily_contracts())
    assert set(daily_contracts()) == set(contracts()) - pipelines - {f"{n}_quarantine" for n in pipelines}
