using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Ppl.Generators
{
    /// <summary>
    /// Writes the resumable form of a model (SPEC M7, see <see cref="ResumableLowering"/>): the
    /// <c>…Resumable</c> property (a <c>ResumableModel</c>), the body as a dynamic model for replay, and, when
    /// the body was lowered, the state-machine class whose <c>Resume</c> runs to the next Observe/Factor (or observed Sample).
    /// </summary>
    internal sealed class ResumableEmitter
    {
        private readonly ModelData _b;
        private readonly ResumableData? _r;
        private readonly string _m;

        /// <summary>The state machine's cached name segments: literal → static field (see <see cref="CachedSegments"/>).</summary>
        private readonly Dictionary<string, string> _segments = new Dictionary<string, string>();

        private ResumableEmitter(ModelData data)
        {
            _b = data;
            _r = data.Resumable;
            _m = data.MethodName;
        }

        /// <summary>Appends the resumable members of one model (inside its containing class).</summary>
        public static void EmitMembers(StringBuilder sb, ModelData data) => new ResumableEmitter(data).Emit(sb);

        private void Emit(StringBuilder sb)
        {
            var argsType = _b.ArgsType;
            var ret = _b.ReturnType;
            var type = $"global::Ppl.Modeling.ResumableModel<{argsType}, {ret}>";
            var name = Literal(_b.ModelName);
            var parameters = string.Join(", ", _b.Parameters.Select(p => p.Type + " " + Escape(p.Name)));
            var unpack = _b.Parameters.Count switch
            {
                0 => "",
                1 => ", args",
                _ => ", " + string.Join(", ", _b.Parameters.Select((p, i) => "args.Item" + (i + 1))),
            };
            string replay, start, reason, observations;
            if (!_b.Specialised)
            {
                replay = $"{_m}Model";
                start = "null";
                reason = Literal("the model runs through the dynamic tracer (see PPL0008)");
                observations = reason;
            }
            else
            {
                replay = $"new global::Ppl.DynamicModel<{argsType}, {ret}>({name}, static (t, args) => __{_m}Replay(t{unpack}))";
                var lowered = _r != null && _r.Reason == null;
                start = lowered ? $"static args => new __{_m}Resumable(args)" : "null";
                reason = lowered ? "null" : Literal(_r?.Reason ?? "the body is not lowered");
                observations = lowered && _r!.ObservationsReason == null ? "null" : Literal(_r?.ObservationsReason ?? _r?.Reason ?? "the body is not lowered");
            }
            sb.AppendLine();
            sb.AppendLine($"    private static {type}? __{_m}ResumableInstance;");
            sb.AppendLine($"    /// <summary>");
            sb.AppendLine($"    /// <see cref=\"{_m}\"/> for SMC (generated): its resumable state machine, which pauses after each Observe/Factor");
            sb.AppendLine($"    /// (and, where it can, after each observed Sample) and can be cloned, or where the body is not lowered, its replay");
            sb.AppendLine($"    /// from a recorded prefix.");
            sb.AppendLine($"    /// </summary>");
            sb.AppendLine($"    {_b.Access} static {type} {_m}Resumable => __{_m}ResumableInstance ??= new {type}({_m}Model, {replay}, {start}, {reason}, {observations});");
            if (!_b.Specialised) return;

            sb.AppendLine();
            sb.AppendLine($"    private static {ret} __{_m}Replay(global::Ppl.ITracer __t{(parameters.Length > 0 ? ", " + parameters : "")})");
            var body = Rewrite(0, _b.BodyText.Length, dynamic: true, edits: false);
            sb.AppendLine(_b.ExpressionBody ? "    {\n        return " + body.Trim() + ";\n    }" : "    " + body.Trim());
            sb.AppendLine("#pragma warning disable"); // (the user's pragmas in the body may have restored some)
            if (_r == null || _r.Reason != null) return;
            EmitMachine(sb, argsType, ret);
        }

        private void EmitMachine(StringBuilder sb, string argsType, string ret)
        {
            var cls = $"__{_m}Resumable";
            sb.AppendLine();
            sb.AppendLine($"    /// <summary>The state machine of <see cref=\"{_m}\"/> (generated): locals are fields; Resume runs to the next pause.</summary>");
            sb.AppendLine($"    private sealed class {cls} : global::Ppl.Modeling.ResumableExecution<{ret}>");
            sb.AppendLine("    {");
            foreach (var f in _r!.Fields) sb.AppendLine($"        private {f.Type} {f.Name};");
            sb.AppendLine($"        public {cls}({argsType} args) : base(__{_m}Sites.Metadata)");
            sb.AppendLine("        {");
            foreach (var f in _r.Fields.Where(f => f.Parameter >= 0))
                sb.AppendLine($"            {f.Name} = {(_b.Parameters.Count == 1 ? "args" : "args.Item" + (f.Parameter + 1))};");
            sb.AppendLine("        }");
            // In-place copy for SMC's recycled executions: every field as MemberwiseClone copies it (owned arrays are then
            // replaced by CopyOwnedState, as after a clone).
            sb.AppendLine("        protected override bool CopyFieldsFrom(global::Ppl.Modeling.ResumableExecution source)");
            sb.AppendLine("        {");
            sb.AppendLine($"            var __o = ({cls})source;");
            foreach (var f in _r.Fields) sb.AppendLine($"            {f.Name} = __o.{f.Name};");
            sb.AppendLine("            Return = __o.Return;");
            sb.AppendLine("            return true;");
            sb.AppendLine("        }");
            var copied = _r.Fields.Where(f => f.Copied).ToList();
            if (copied.Count > 0)
            {
                sb.AppendLine("        protected override void CopyOwnedState()");
                sb.AppendLine("        {");
                sb.AppendLine("            var __copies = new global::System.Collections.Generic.Dictionary<object, object>();");
                foreach (var f in copied) sb.AppendLine($"            {f.Name} = CopyArray({f.Name}, __copies);");
                sb.AppendLine("        }");
            }
            sb.AppendLine("        protected override bool Resume(ref global::Ppl.Modeling.ResumableHandler __h)");
            sb.AppendLine("        {");
            if (_r.Pauses > 0)
            {
                sb.AppendLine("            switch (State)");
                sb.AppendLine("            {");
                for (var n = 1; n <= _r.Pauses; n++) sb.AppendLine($"                case {n}: goto __P{n};");
                sb.AppendLine("            }");
            }
            var code = new StringBuilder();
            foreach (var p in _r.Pieces)
                code.Append(p.Text ?? Rewrite(p.Start, p.End, dynamic: false, edits: true));
            foreach (var line in code.ToString().Split('\n'))
                if (line.Trim().Length > 0) sb.Append("            ").AppendLine(line.TrimEnd('\r'));
            sb.AppendLine("        }");
            foreach (var kv in _segments.OrderBy(kv => kv.Value, System.StringComparer.Ordinal))
                sb.AppendLine($"        private static readonly global::Ppl.AddressSegment {kv.Value} = {kv.Key};");
            sb.AppendLine("    }");
        }

        // ------------------------------------------------------------------ rewriting

        private sealed class Item
        {
            public int Start;
            public int End;
            public SiteData? Site;
            public ResumableEdit? Edit;
        }

        /// <summary>
        /// The body text in [start, end) with every site replaced by its handler call and (for the state machine)
        /// every edit applied; nested sites and edits are rewritten through the arguments and inner ranges.
        /// </summary>
        private string Rewrite(int start, int end, bool dynamic, bool edits)
        {
            var items = new List<Item>();
            foreach (var s in _b.Sites)
                if (s.Span.Start >= start && s.Span.End <= end) items.Add(new Item { Start = s.Span.Start, End = s.Span.End, Site = s });
            if (edits && _r != null)
                foreach (var e in _r.Edits)
                    if (e.Start >= start && e.End <= end) items.Add(new Item { Start = e.Start, End = e.End, Edit = e });
            var sb = new StringBuilder();
            var at = start;
            foreach (var item in items.OrderBy(x => x.Start).ThenByDescending(x => x.End - x.Start))
            {
                if (item.Start < at) continue;
                sb.Append(_b.BodyText, at, item.Start - at);
                if (item.Site is { } site)
                {
                    var args = site.Args.Select(a => a.Start < 0 ? null : Rewrite(a.Start, a.End, dynamic, edits).Trim()).ToArray();
                    if (!dynamic) CachedSegments(site, args);
                    sb.Append(Emitter.SiteCode(site, args, dynamic, segments: !dynamic));
                }
                else
                {
                    var e = item.Edit!;
                    sb.Append(e.Prefix);
                    if (e.InnerStart >= 0) sb.Append(Rewrite(e.InnerStart, e.InnerEnd, dynamic, edits));
                    sb.Append(e.Suffix);
                }
                at = item.End;
            }
            sb.Append(_b.BodyText, at, end - at);
            return sb.ToString();
        }

        /// <summary>
        /// In the state machine, a literal name segment of a two-segment address (the "x" of <c>Sample(…, "x", i)</c>)
        /// becomes a static field, so that a particle-step does not convert (and validate) the string again. Only plain
        /// literals that are valid segments (non-empty, no '/', no escapes): an invalid one still fails at its site.
        /// </summary>
        private void CachedSegments(SiteData site, string?[] args)
        {
            if (site.StaticName != null || site.AddressCount != 2 || (site.Kind != SiteKind.Sample && site.Kind != SiteKind.Observe)) return;
            for (var i = site.AddressStart; i < site.AddressStart + 2; i++)
            {
                var a = args[i];
                if (a == null || a.Length < 3 || a[0] != '"' || a[a.Length - 1] != '"' || a.Substring(1, a.Length - 2).Any(c => c == '"' || c == '\\' || c == '/')) continue;
                if (!_segments.TryGetValue(a, out var field)) _segments[a] = field = $"__{_m}Segment{_segments.Count}";
                args[i] = field;
            }
        }

        private static string Literal(string s) => SymbolDisplay.FormatLiteral(s, quote: true);

        private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
