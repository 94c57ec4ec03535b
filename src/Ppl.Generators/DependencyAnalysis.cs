using System.Collections.Generic;
using System.Linq;
using Ppl.Generators.Ir;

namespace Ppl.Generators
{
    /// <summary>
    /// The static dependency table of a model (for update and regenerate, as Gen's static language does with its
    /// dependency graph): for each static slot, which random choices, families of choices and model arguments its
    /// distribution and observed value can depend on. A query over the model's IR (<see cref="ModelIr"/>): the sound
    /// reading of its one data-flow fixed point, every path counted and "anything" meaning "always recompute".
    /// </summary>
    /// <remarks>
    /// The IR's sources are finer than the table's: each site and each parameter is a source of its own. Here a static
    /// sample site becomes its slot, a sample in a family (no static name) becomes the family, every parameter becomes
    /// the one "arguments" source, and any other site (a sub-model call, <c>Param</c>) or a <c>Deterministic</c> value
    /// means "always" (their values were "anything" in the IR already). The table gives up (null: every site is
    /// recomputed, which is always correct) when the IR met a construct it does not model, or could not be computed.
    /// </remarks>
    internal static class DependencyAnalysis
    {
        // The table's lattice used to be iterated at most this many times; a body that needs more gets no table.
        private const int MaxPasses = 64;

        /// <summary>The dependency table of the model's <paramref name="slots"/> static slots, or null when the analysis gives up.</summary>
        public static DependencyData? FromIr(ModelIr ir, int slots)
        {
            if (!ir.Complete || ir.Unmodelled != null || ir.SoundPasses == 0 || ir.SoundPasses > MaxPasses) return null;
            var families = new List<string>();
            foreach (var s in ir.Sites)
                if (s.Kind == SiteKind.Sample && s.Site.StaticName == null && s.Site.FamilyName != null && !families.Contains(s.Site.FamilyName))
                    families.Add(s.Site.FamilyName);
            var argsSource = slots + families.Count;

            // The table's sources of one IR set; false when the set means "always".
            bool Map(SourceSet set, HashSet<int> into)
            {
                if (set.Top) return false;
                foreach (var id in set.Sources)
                {
                    var source = ir.Sources[id];
                    switch (source.Kind)
                    {
                        case IrSourceKind.Parameter:
                            into.Add(argsSource);
                            break;
                        case IrSourceKind.Site when source.Site!.Kind == SiteKind.Sample && source.Site.Site.StaticName != null:
                            into.Add(source.Site.Site.Slot);
                            break;
                        case IrSourceKind.Site when source.Site!.Kind == SiteKind.Sample && source.Site.Site.FamilyName != null:
                            into.Add(slots + families.IndexOf(source.Site.Site.FamilyName));
                            break;
                        default:
                            return false;
                    }
                }
                return true;
            }

            var table = new List<SlotDependency>();
            var usesArgs = false;
            for (var k = 0; k < slots; k++)
            {
                var at = ir.Sites.Where(s => s.Site.Slot == k).ToList();
                var sources = new HashSet<int>();
                var always = at.Count == 0;
                foreach (var s in at)
                {
                    if (s.Kind != SiteKind.Sample && s.Kind != SiteKind.Observe) always = true;
                    else if (s.Dependencies == null) always = true; // never reached by the walk: nothing to vouch for
                    else if (!Map(s.Dependencies, sources)) always = true;
                }
                if (!Map(ir.Jumps, sources)) always = true;
                if (always)
                {
                    table.Add(new SlotDependency(true, default));
                    continue;
                }
                usesArgs |= sources.Contains(argsSource);
                table.Add(new SlotDependency(false, sources.OrderBy(x => x).ToEquatableArray()));
            }
            return new DependencyData(families.ToEquatableArray(), table.ToEquatableArray(), usesArgs);
        }
    }
}
