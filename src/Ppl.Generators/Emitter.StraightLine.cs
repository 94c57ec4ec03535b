using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Ppl.Generators
{
    /// <summary>
    /// The straight-line forms of assess, regenerate and simulate (see <see cref="StraightLineLowering"/>): the model's own
    /// statements, with each site replaced by a few statements over the trace's arrays and locals, the way Gen's
    /// static modeling language compiles. Regenerate carries one "changed" flag per choice that others depend on
    /// (from the dependency table), so a kept site whose inputs did not change copies its stored log density.
    /// A NaN log density is not checked site by site: it makes the total NaN, and one check before returning hands
    /// the run to the handler body, which finds the site and raises the error with its address (a NaN observed value
    /// is checked where it is read: it is an error, though Ppl's densities give it −∞). Fewer statements per site
    /// also let the JIT inline the distributions' densities further into a long body.
    /// </summary>
    internal sealed partial class Emitter
    {
        private string BodyText(SpanData s) => _b.BodyText.Substring(s.Start, s.Length);

        private string SiteArg(SiteData s, int i) => "(" + BodyText(s.Args[i]) + ")";

        /// <summary>The straight-line methods, next to the handler body.</summary>
        private void EmitStraightLineMethods(StringBuilder sb, string ret, string parameters)
        {
            var sl = _b.StraightLine;
            if (sl == null) return;
            var n = _b.StaticNames.Count;
            var tail = parameters.Length > 0 ? ", " + parameters : "";

            sb.AppendLine($"    /// <summary>The straight-line assess of <see cref=\"{_m}\"/> (generated): false leaves the work to the handler body.</summary>");
            sb.AppendLine($"    private static bool __{_m}AssessStraight(global::System.ReadOnlySpan<double> __values, out double __score, out {ret} __ret{tail})");
            sb.AppendLine("    {");
            sb.AppendLine("        __score = 0;");
            sb.AppendLine("        __ret = default!;");
            sb.AppendLine($"        if (__values.Length != {n}) return false;");
            sb.AppendLine("        double __sc = 0;");
            EmitSteps(sb, sl,
                (s, k) =>
                {
                    sb.AppendLine($"        var __x{k} = {FromStored(s, $"__values[{k}]")};");
                    sb.AppendLine($"        __sc += {SiteArg(s, 0)}.LogDensity(__x{k});");
                },
                (s, k) =>
                {
                    sb.AppendLine("        {");
                    sb.AppendLine("            double __l;");
                    EmitObservedDensity(sb, s, "        ");
                    sb.AppendLine("            __sc += __l;");
                    sb.AppendLine("        }");
                },
                new[] { "__score = __sc;" });

            // Regenerate: which choices need a changed flag (some other slot depends on them).
            var deps = _b.Dependencies;
            var choiceSlots = new HashSet<int>(sl.Steps.Where(x => x.Kind == StraightStepKind.Sample).Select(x => _b.Sites[x.Site].Slot));
            var flagged = new HashSet<int>();
            if (deps != null)
                foreach (var d in deps.Slots)
                    if (!d.Always)
                        foreach (var src in d.Sources)
                            if (choiceSlots.Contains(src)) flagged.Add(src);

            // The condition under which slot k's log density must be recomputed (its distribution's inputs may have changed).
            string Recompute(SiteData s)
            {
                var reusable = $"!global::Ppl.Modeling.StraightLineDensity<{s.DistType}>.Reusable";
                if (deps == null || s.Slot >= deps.Slots.Count || deps.Slots[s.Slot].Always) return "true";
                var terms = new List<string> { reusable };
                var argsId = n + deps.Families.Count;
                foreach (var src in deps.Slots[s.Slot].Sources)
                {
                    if (src == argsId) terms.Add("__argsChanged");
                    else if (flagged.Contains(src)) terms.Add($"__c{src}");
                    else if (src >= n) return "true"; // a family: there are none in a straight-line model, but never guess
                    // another slot that is no choice (an observation) never changes its value in regenerate
                }
                return string.Join(" || ", terms);
            }

            sb.AppendLine($"    /// <summary>The straight-line regenerate of <see cref=\"{_m}\"/> (generated): false leaves the work to the handler body.</summary>");
            sb.AppendLine($"    private static bool __{_m}RegenerateStraight(bool __argsChanged, in global::Ppl.Modeling.StraightLineRegenerate __f, out double __score, out double __fresh, out double __dropped, out double __observed, out {ret} __ret{tail})");
            sb.AppendLine("    {");
            sb.AppendLine("        __score = __fresh = __dropped = __observed = 0;");
            sb.AppendLine("        __ret = default!;");
            sb.AppendLine("        var __ov = __f.OldValues;");
            sb.AppendLine("        var __ol = __f.OldLogDensities;");
            sb.AppendLine("        var __sel = __f.Selected;");
            sb.AppendLine("        var __rng = __f.Rng;");
            sb.AppendLine("        var __nv = __f.NewValues;");
            sb.AppendLine("        var __nl = __f.NewLogDensities;");
            sb.AppendLine($"        if (__ov.Length != {n} || __ol.Length != {n} || __sel.Length != {n} || __nv.Length != {n} || __nl.Length != {n}) return false;");
            sb.AppendLine("        double __sc = 0, __fr = 0, __dr = 0, __ob = 0;");
            foreach (var k in flagged.OrderBy(x => x)) sb.AppendLine($"        var __c{k} = false;");
            EmitSteps(sb, sl,
                (s, k) =>
                {
                    sb.AppendLine($"        {s.ValueType} __x{k};");
                    sb.AppendLine("        {");
                    sb.AppendLine("            double __l;");
                    sb.AppendLine($"            if (__sel[{k}])");
                    sb.AppendLine("            {");
                    sb.AppendLine($"                var __d = {SiteArg(s, 0)};");
                    sb.AppendLine($"                __dr += __ol[{k}];");
                    sb.AppendLine($"                __x{k} = __d.Sample(__rng);");
                    sb.AppendLine($"                __l = __d.LogDensity(__x{k});");
                    sb.AppendLine("                __fr += __l;");
                    if (flagged.Contains(k)) sb.AppendLine($"                __c{k} = true;");
                    sb.AppendLine("            }");
                    sb.AppendLine("            else");
                    sb.AppendLine("            {");
                    sb.AppendLine($"                __x{k} = {FromStored(s, $"__ov[{k}]")};");
                    sb.AppendLine($"                if ({Recompute(s)}) __l = {SiteArg(s, 0)}.LogDensity(__x{k});");
                    sb.AppendLine($"                else __l = __ol[{k}];");
                    sb.AppendLine("            }");
                    sb.AppendLine("            __sc += __l;");
                    sb.AppendLine($"            __nv[{k}] = {ToStored(s, $"__x{k}")};");
                    sb.AppendLine($"            __nl[{k}] = __l;");
                    sb.AppendLine("        }");
                },
                (s, k) =>
                {
                    sb.AppendLine("        {");
                    sb.AppendLine("            double __l;");
                    sb.AppendLine($"            if ({Recompute(s)})");
                    sb.AppendLine("            {");
                    EmitObservedDensity(sb, s, "            ");
                    sb.AppendLine("            }");
                    sb.AppendLine($"            else __l = __ol[{k}];");
                    sb.AppendLine("            __sc += __l;");
                    sb.AppendLine("            __ob += __l;");
                    sb.AppendLine($"            __nl[{k}] = __l;");
                    sb.AppendLine("        }");
                },
                new[] { "__score = __sc;", "__fresh = __fr;", "__dropped = __dr;", "__observed = __ob;" });

            // Simulate: every choice drawn, every density computed (generate without constraints is the same run).
            sb.AppendLine($"    /// <summary>The straight-line simulate of <see cref=\"{_m}\"/> (generated): false leaves the work to the handler body.</summary>");
            sb.AppendLine($"    private static bool __{_m}SimulateStraight(global::Ppl.Rng __rng, global::System.Span<double> __nv, global::System.Span<double> __nl, out double __score, out double __fresh, out double __observed, out {ret} __ret{tail})");
            sb.AppendLine("    {");
            sb.AppendLine("        __score = __fresh = __observed = 0;");
            sb.AppendLine("        __ret = default!;");
            sb.AppendLine($"        if (__nv.Length != {n} || __nl.Length != {n}) return false;");
            sb.AppendLine("        double __sc = 0, __fr = 0, __ob = 0;");
            EmitSteps(sb, sl,
                (s, k) =>
                {
                    sb.AppendLine($"        {s.ValueType} __x{k};");
                    sb.AppendLine("        {");
                    sb.AppendLine($"            var __d = {SiteArg(s, 0)};");
                    sb.AppendLine($"            __x{k} = __d.Sample(__rng);");
                    sb.AppendLine($"            var __l = __d.LogDensity(__x{k});");
                    sb.AppendLine("            __sc += __l;");
                    sb.AppendLine("            __fr += __l;");
                    sb.AppendLine($"            __nv[{k}] = {ToStored(s, $"__x{k}")};");
                    sb.AppendLine($"            __nl[{k}] = __l;");
                    sb.AppendLine("        }");
                },
                (s, k) =>
                {
                    sb.AppendLine("        {");
                    sb.AppendLine("            double __l;");
                    EmitObservedDensity(sb, s, "        ");
                    sb.AppendLine("            __sc += __l;");
                    sb.AppendLine("            __ob += __l;");
                    sb.AppendLine($"            __nl[{k}] = __l;");
                    sb.AppendLine("        }");
                },
                new[] { "__score = __sc;", "__fresh = __fr;", "__observed = __ob;" });
        }

        /// <summary>
        /// The body of a straight-line method after its preamble: the model's statements in order, each choice as
        /// <paramref name="sample"/> writes it (it must leave the value in <c>__x{slot}</c>, then the user's local is
        /// declared from it), each observation as <paramref name="observe"/> writes it, and the return as one NaN check
        /// of the total, the <paramref name="outputs"/> assignments and the return value.
        /// </summary>
        private void EmitSteps(StringBuilder sb, StraightLineData sl, Action<SiteData, int> sample, Action<SiteData, int> observe, string[] outputs)
        {
            foreach (var step in sl.Steps)
            {
                if (step.Kind == StraightStepKind.Text)
                {
                    sb.AppendLine("        " + BodyText(step.Span));
                    continue;
                }
                if (step.Kind == StraightStepKind.Return)
                {
                    sb.AppendLine("        if (double.IsNaN(__sc)) return false;");
                    foreach (var o in outputs) sb.AppendLine("        " + o);
                    sb.AppendLine($"        __ret = ({BodyText(step.Span)});");
                    sb.AppendLine("        return true;");
                    continue;
                }
                var s = _b.Sites[step.Site];
                sb.AppendLine($"        // {LineSafe(s.StaticName!)}");
                if (step.Kind == StraightStepKind.Sample)
                {
                    sample(s, s.Slot);
                    sb.AppendLine($"        {step.LocalType} {step.Local} = __x{s.Slot};");
                }
                else observe(s, s.Slot);
            }
            sb.AppendLine("    }");
            sb.AppendLine("#pragma warning disable"); // a pasted statement may hold the user's `#pragma warning restore`
            sb.AppendLine();
        }

        /// <summary>A stored slot value (a double, as the trace keeps every scalar) read back as the site's value type.</summary>
        private static string FromStored(SiteData s, string stored) => s.ValueType switch
        {
            "int" => $"(int){stored}",
            "bool" => $"{stored} != 0",
            _ => stored,
        };

        /// <summary>A site's value as the trace stores it (a double; a bool as 1 or 0): the inverse of <see cref="FromStored"/>.</summary>
        private static string ToStored(SiteData s, string value) => s.ValueType == "bool" ? $"{value} ? 1 : 0" : value;

        /// <summary>An observation's log density into <c>__l</c> (declared by the caller); a NaN value bails out (an error the handler body names).</summary>
        private void EmitObservedDensity(StringBuilder sb, SiteData s, string indent)
        {
            sb.AppendLine($"{indent}    var __d = {SiteArg(s, 0)};");
            sb.AppendLine($"{indent}    {s.ValueType} __o = {SiteArg(s, 1)};");
            if (s.ValueType == "double") sb.AppendLine($"{indent}    if (double.IsNaN(__o)) return false;");
            sb.AppendLine($"{indent}    __l = __d.LogDensity(__o);");
        }

        /// <summary>The overrides in the function class that hand the straight-line forms to the runtime.</summary>
        private void EmitStraightLineOverrides(StringBuilder sb, string argsType, string ret, string unpack)
        {
            if (_b.StraightLine == null) return;
            sb.AppendLine("        /// <inheritdoc />");
            sb.AppendLine("        protected override bool HasStraightLine => true;");
            sb.AppendLine("        /// <inheritdoc />");
            sb.AppendLine($"        protected override bool AssessStraightLine({argsType} args, global::System.ReadOnlySpan<double> values, out double score, out {ret} ret) =>");
            sb.AppendLine($"            __{_m}AssessStraight(values, out score, out ret{unpack});");
            sb.AppendLine("        /// <inheritdoc />");
            sb.AppendLine($"        protected override bool RegenerateStraightLine({argsType} args, bool argsChanged, in global::Ppl.Modeling.StraightLineRegenerate frame, out double score, out double fresh, out double dropped, out double observed, out {ret} ret) =>");
            sb.AppendLine($"            __{_m}RegenerateStraight(argsChanged, in frame, out score, out fresh, out dropped, out observed, out ret{unpack});");
            sb.AppendLine("        /// <inheritdoc />");
            sb.AppendLine($"        protected override bool SimulateStraightLine({argsType} args, global::Ppl.Rng rng, global::System.Span<double> values, global::System.Span<double> logDensities, out double score, out double fresh, out double observed, out {ret} ret) =>");
            sb.AppendLine($"            __{_m}SimulateStraight(rng, values, logDensities, out score, out fresh, out observed, out ret{unpack});");
        }
    }
}
