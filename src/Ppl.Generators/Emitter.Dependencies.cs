using System.Linq;
using System.Text;

namespace Ppl.Generators
{
    /// <summary>The parts of the generated source that carry the static dependency graph (see <see cref="DependencyAnalysis"/>).</summary>
    internal sealed partial class Emitter
    {
        private string DependenciesArgument => _b.Specialised && _b.Dependencies != null ? ", dependencies: Dependencies" : "";

        /// <summary>
        /// The dependency table: per static slot, the sources (slots, families, arguments) its distribution depends
        /// on, or null when it is always recomputed.
        /// </summary>
        private void EmitDependencies(StringBuilder sb)
        {
            var d = _b.Dependencies;
            if (!_b.Specialised || d == null) return;
            sb.AppendLine("        internal static readonly global::Ppl.Modeling.SiteDependencies Dependencies = new global::Ppl.Modeling.SiteDependencies(");
            sb.AppendLine("            new string[] { " + string.Join(", ", d.Families.Select(Literal)) + " },");
            sb.AppendLine("            new int[]?[]");
            sb.AppendLine("            {");
            for (var k = 0; k < d.Slots.Count; k++)
            {
                var slot = d.Slots[k];
                var text = slot.Always ? "null" : "new int[] { " + string.Join(", ", slot.Sources) + " }";
                sb.AppendLine($"                {text}, // {LineSafe(_b.StaticNames[k])}");
            }
            sb.AppendLine("            });");
        }

        /// <summary>An address inside a line comment: no character C# reads as a line break.</summary>
        private static string LineSafe(string s) =>
            new string(s.Select(c => c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029' ? ' ' : c).ToArray());

        /// <summary>
        /// Images of the arguments (see <c>ArgSnapshot</c>), for models with sites that depend on them: update and
        /// regenerate compare the new arguments with the old trace's image.
        /// </summary>
        private void EmitArgsImage(StringBuilder sb, string argsType)
        {
            var d = _b.Dependencies;
            if (!_b.Specialised || d == null || !d.UsesArgs || _b.Parameters.Count == 0) return;
            const string S = "global::Ppl.Modeling.ArgSnapshot";
            string take, same;
            if (_b.Parameters.Count == 1)
            {
                take = $"{S}.Take(args)";
                same = $"{S}.Same(args, image)";
            }
            else
            {
                take = $"{S}.Combine(" + string.Join(", ", _b.Parameters.Select((p, i) => $"{S}.Take(args.Item{i + 1})")) + ")";
                same = string.Join(" && ", _b.Parameters.Select((p, i) => $"{S}.Same(args.Item{i + 1}, {S}.Part(image, {i}))"));
            }
            sb.AppendLine($"        /// <inheritdoc />");
            sb.AppendLine($"        protected override object? SnapshotArgs({argsType} args) => {take};");
            sb.AppendLine($"        /// <inheritdoc />");
            sb.AppendLine($"        protected override bool SameArgs({argsType} args, object image) => {same};");
        }
    }
}
