module flyte-mc/tools/gen-rng-cooked

go 1.22
