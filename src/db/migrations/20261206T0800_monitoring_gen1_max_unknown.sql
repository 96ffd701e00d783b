-- Generation-1 maximums are not public (DOMAIN §5.1): every stored version of the gen1 tree marks
-- each node maxKnown = false, so real score files above the placeholder weights load (issue 16 §1).
-- Trees stored before this change were copied from the shipped JSON without the flag.
UPDATE indicator_trees t
   SET definition = jsonb_set(
         t.definition,
         '{nodes}',
         (SELECT jsonb_agg(n.node || '{"maxKnown": false}'::jsonb ORDER BY n.ord)
            FROM jsonb_array_elements(t.definition -> 'nodes') WITH ORDINALITY AS n(node, ord)))
 WHERE t.id = 'gen1';
