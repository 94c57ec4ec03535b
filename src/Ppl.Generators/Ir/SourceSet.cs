using System;
using System.Collections.Generic;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// What a value depends on: a set of sources (by <see cref="IrSource.Id"/>), each with the kinds of path
    /// (<see cref="FlowPath"/>) it reaches the value by, and whether it may depend on anything at all
    /// (<see cref="Top"/>: code the analysis cannot see). Unlike a plain "anything", <see cref="Top"/> keeps the
    /// sources it has seen, because the lowerings ask "does it mention a random choice", which an opaque helper
    /// called with a random argument does.
    /// </summary>
    internal sealed class SourceSet
    {
        // For each source, one bit per path combination reached: bit m is set when a path whose FlowPath flags are m
        // reaches the value (eight combinations of Derived, Conservative and Storage).
        private readonly Dictionary<int, byte> _paths = new Dictionary<int, byte>();

        // The combinations without Storage (m = 0..3): the paths that are dependences.
        private const int DependenceMasks = 0x0F;

        /// <summary>True when the value may depend on anything (a call into code the analysis cannot see).</summary>
        public bool Top { get; private set; }

        /// <summary>The sources the value depends on, whatever the path (those reaching it only through <see cref="FlowPath.Storage"/> are no dependences).</summary>
        public IEnumerable<int> Sources
        {
            get
            {
                foreach (var entry in _paths)
                    if ((entry.Value & DependenceMasks) != 0) yield return entry.Key;
            }
        }

        /// <summary>A new empty set.</summary>
        public static SourceSet None => new SourceSet();

        /// <summary>A new set that may depend on anything.</summary>
        public static SourceSet Any => new SourceSet { Top = true };

        /// <summary>A new set holding one source, reached by its value.</summary>
        public static SourceSet Of(int source)
        {
            var set = new SourceSet();
            set._paths[source] = 1;
            return set;
        }

        /// <summary>Adds <paramref name="other"/>, each of its paths extended by a step of kind <paramref name="via"/>.</summary>
        public SetGrowth Add(SourceSet? other, FlowPath via = FlowPath.Value)
        {
            if (other == null) return SetGrowth.None;
            var growth = SetGrowth.None;
            // A Storage step carries a lowered type, not a dependence: "anything" does not travel along it.
            if (other.Top && !Top && (via & FlowPath.Storage) == 0)
            {
                Top = true;
                growth = SetGrowth.Sources | SetGrowth.Paths;
            }
            foreach (var entry in other._paths)
            {
                var shifted = Extend(entry.Value, via);
                _paths.TryGetValue(entry.Key, out var old);
                var merged = (byte)(old | shifted);
                if (merged == old) continue;
                _paths[entry.Key] = merged;
                growth |= SetGrowth.Paths;
                // A new dependence on a source is growth for the coarse table too, unless the set is "anything" already.
                if (!Top && (old & DependenceMasks) == 0 && (merged & DependenceMasks) != 0) growth |= SetGrowth.Sources;
            }
            return growth;
        }

        /// <summary>A new set: this one plus <paramref name="other"/> extended by <paramref name="via"/>.</summary>
        public SourceSet With(SourceSet? other, FlowPath via = FlowPath.Value)
        {
            var set = new SourceSet();
            set.Add(this);
            set.Add(other, via);
            return set;
        }

        /// <summary>A new set: this one with every path extended by a step of kind <paramref name="via"/>.</summary>
        public SourceSet Via(FlowPath via)
        {
            var set = new SourceSet();
            set.Add(this, via);
            return set;
        }

        /// <summary>True when the value depends on <paramref name="source"/> (by any path but <see cref="FlowPath.Storage"/> alone).</summary>
        public bool Contains(int source) => _paths.TryGetValue(source, out var masks) && (masks & DependenceMasks) != 0;

        /// <summary>
        /// True when some source that <paramref name="accept"/> accepts reaches the value by a path whose steps are all
        /// of the kinds in <paramref name="allowed"/> (<see cref="FlowPath.Value"/> steps are always allowed).
        /// </summary>
        public bool Reaches(Func<int, bool> accept, FlowPath allowed)
        {
            foreach (var entry in _paths)
            {
                if (!accept(entry.Key)) continue;
                for (var m = 0; m < 8; m++)
                    if ((entry.Value & (1 << m)) != 0 && (m & ~(int)allowed) == 0) return true;
            }
            return false;
        }

        /// <summary>The path combinations bitset <paramref name="masks"/> after one more step of kind <paramref name="via"/>.</summary>
        private static byte Extend(byte masks, FlowPath via)
        {
            if (via == FlowPath.Value) return masks;
            var result = 0;
            for (var m = 0; m < 8; m++)
                if ((masks & (1 << m)) != 0) result |= 1 << (m | (int)via);
            return (byte)result;
        }
    }
}
