"""``python -m tiered_sg.adopt``: map a VPC's hand-made security groups onto the chain.

:mod:`.inventory` reads groups and rules (boto3); :mod:`.mapping` works out the chain from them
(pure), in steps: :mod:`.screening`, :mod:`.chain_shape`, :mod:`.labels`,
:mod:`.config_builder`, :mod:`.id_matching`, each reporting to :mod:`.refusals`;
:mod:`.stack_file` writes the stack config, :mod:`.__main__` is the command line.
"""
