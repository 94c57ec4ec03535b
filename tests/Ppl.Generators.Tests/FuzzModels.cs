using System.Text;

namespace Ppl.Generators.Tests;

/// <summary>
/// Writes random but well-formed [Model] classes from a stream of FsCheck-generated integers: each
/// number picks the next production of a small grammar of model code (choices with inferred and explicit
/// addresses, families in for loops, stochastic while loops, branches, observations, factors, calls to
/// another model and to a generative function, switch expressions over discrete choices, tensor choices,
/// and now and then an effect inside a lambda, which makes the generator fall back to the dynamic tracer).
/// About one model in three is straight-line (marked <c>// straight-line</c>): static double choices and
/// observations as top-level statements among deterministic ones (locals, array writes, lambdas without sites,
/// checked blocks, interpolated strings, throw statements), which must get the straight-line forms of assess and
/// regenerate. Every local gets a fresh name, so the code always compiles. <see cref="DifferentiableClass"/> writes
/// models from a second grammar, of bodies that must get the differentiable form.
/// </summary>
internal sealed class FuzzModels
{
    private readonly int[] _picks;
    private int _pos;
    private int _fresh;
    private readonly StringBuilder _sb = new();

    private FuzzModels(int[] picks) => _picks = picks.Length == 0 ? new[] { 0 } : picks;

    /// <summary>
    /// The next choice among <paramref name="n"/>: the integers are mixed with their position, so a short
    /// or repetitive array (FsCheck's small sizes) still reaches every production.
    /// </summary>
    private int Next(int n)
    {
        unchecked
        {
            var v = (uint)_picks[_pos % _picks.Length] * 0x9E3779B1u + (uint)_pos * 0x85EBCA77u;
            _pos++;
            v ^= v >> 15;
            v *= 0x2C1B3C6Du;
            v ^= v >> 12;
            return (int)(v % (uint)n);
        }
    }

    private string Fresh(string prefix) => prefix + _fresh++;

    /// <summary>A class with a helper model and <paramref name="models"/> random models M0, M1, …</summary>
    public static string Class(int[] picks, int models)
    {
        var w = new FuzzModels(picks);
        var sb = w._sb;
        sb.Append(Harness.Usings).AppendLine("using TorchSharp;");
        sb.AppendLine("public static partial class F");
        sb.AppendLine("{");
        sb.AppendLine("    [Model] public static double Sub(double z) { var s = Sample(Normal(z, 1)); return s; }");
        // A body cannot name SubModel (the generator does not see its own output): Call goes through a field.
        sb.AppendLine("    private static readonly IGenerativeFunction<double, double> SubFn = SubModel;");
        for (var m = 0; m < models; m++)
        {
            var straight = w.Next(3) == 0;
            sb.AppendLine($"    [Model] public static double M{m}(double x, int n)");
            sb.AppendLine("    {");
            if (straight) sb.AppendLine(StraightMark);
            sb.AppendLine("        var acc = 0.0;");
            var scope = new List<string> { "x", "acc", "(double)n" };
            var count = 1 + w.Next(6);
            if (straight)
            {
                // At least one choice, so that the model has sites.
                w.StraightStatement(scope, "        ", 0);
                for (var k = 0; k < count; k++) w.StraightStatement(scope, "        ", w.Next(10));
            }
            else
                for (var k = 0; k < count; k++) w.Statement(scope, depth: 0, indent: "        ", inLoop: null);
            sb.AppendLine("        return acc + " + w.Expr(scope, 0) + ";");
            sb.AppendLine("    }");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private string Expr(List<string> scope, int depth)
    {
        switch (depth > 2 ? Next(2) : Next(6))
        {
            case 0: return scope[Next(scope.Count)];
            case 1: return (Next(7) - 3).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".5";
            case 2: return "(" + Expr(scope, depth + 1) + (Next(2) == 0 ? " + " : " * ") + Expr(scope, depth + 1) + ")";
            case 3: return "Math.Tanh(" + Expr(scope, depth + 1) + ")";
            case 4: return "(" + Expr(scope, depth + 1) + " > 0 ? " + Expr(scope, depth + 1) + " : " + Expr(scope, depth + 1) + ")";
            default: return scope[scope.Count - 1 - Next(Math.Min(3, scope.Count))];
        }
    }

    /// <summary>A continuous distribution over doubles whose parameters may depend on the scope (kept in their domains).</summary>
    private string Continuous(List<string> scope) => Next(5) switch
    {
        0 => $"Normal({Expr(scope, 1)}, 1)",
        1 => $"Gamma(2, 1 + Math.Abs(Math.Tanh({Expr(scope, 1)})))",
        2 => "Beta(2, 3)",
        3 => $"HalfNormal(1 + Math.Abs(Math.Tanh({Expr(scope, 1)})))",
        _ => "Uniform(-1, 1)",
    };

    private void Line(string indent, string code) => _sb.Append(indent).AppendLine(code);

    private void Statement(List<string> scope, int depth, string indent, string? inLoop)
    {
        // Inside a loop, static addresses would repeat (PPL0002), so choices there use families over the loop variable.
        string Address(string name) => inLoop == null ? $"\"{name}\"" : $"\"{name}\", {inLoop}";
        var production = depth >= 2 ? Next(5) : Next(14);
        switch (production)
        {
            case 0 when inLoop == null:
            {
                var v = Fresh("v");
                Line(indent, $"var {v} = Sample({Continuous(scope)});");
                scope.Add(v);
                break;
            }
            case 0:
            case 1:
            {
                var v = Fresh("e");
                Line(indent, $"var {v} = Sample({Continuous(scope)}, {Address(v)});");
                scope.Add(v);
                break;
            }
            case 2:
                Line(indent, $"Observe(Normal({Expr(scope, 1)}, 1), {Expr(scope, 1)}, {Address(Fresh("o"))});");
                break;
            case 3:
                Line(indent, $"Factor(-Math.Abs(Math.Tanh({Expr(scope, 1)})));");
                break;
            case 4:
                Line(indent, $"acc += {Expr(scope, 0)};");
                break;
            case 5:
            {
                var b = Fresh("b");
                Line(indent, $"var {b} = Sample(Bernoulli(0.5), {Address(b)});");
                Line(indent, $"if ({b})");
                Block(scope, depth, indent, inLoop);
                Line(indent, "else");
                Block(scope, depth, indent, inLoop);
                break;
            }
            case 6:
            {
                var i = Fresh("i");
                Line(indent, $"for (var {i} = 0; {i} < n % 3; {i}++)");
                // Nested loops would need two-segment families per loop: keep one loop level.
                Block(scope, depth, indent, inLoop ?? i);
                break;
            }
            case 7 when inLoop == null:
            {
                var v = Fresh("s");
                Line(indent, $"var {v} = Sub({Expr(scope, 1)});");
                scope.Add(v);
                break;
            }
            case 7:
            case 8:
            {
                var v = Fresh("c");
                Line(indent, $"var {v} = Call(SubFn, {Expr(scope, 1)}, {Address(v)});");
                scope.Add(v);
                break;
            }
            case 9:
            {
                // A stochastic while loop: its length is random.
                var w = Fresh("w");
                var c = Fresh("k");
                Line(indent, $"var {w} = 0;");
                Line(indent, $"while ({w} < 4)");
                Line(indent, "{");
                Line(indent + "    ", inLoop == null
                    ? $"var {c} = Sample(Bernoulli(0.5), \"{c}\", {w});"
                    : $"var {c} = Sample(Bernoulli(0.5), \"{c}\", {inLoop}, {w});");
                Line(indent + "    ", $"{w}++;");
                Line(indent + "    ", $"if ({c}) break;");
                Line(indent, "}");
                Line(indent, $"acc += {w};");
                break;
            }
            case 10:
            {
                var k = Fresh("d");
                var v = Fresh("y");
                Line(indent, $"var {k} = Sample(Poisson(2), {Address(k)});");
                Line(indent, $"var {v} = {k} switch");
                Line(indent, "{");
                Line(indent + "    ", $"0 => Sample(Normal(0, 1), {Address(v)}),");
                Line(indent + "    ", $"1 => Sample(Gamma(2, 2), {Address(v)}),");
                Line(indent + "    ", $"_ => (double){k},");
                Line(indent, "};");
                scope.Add(v);
                break;
            }
            case 11:
            {
                var t = Fresh("t");
                Line(indent, $"var {t} = Sample(Normal(torch.zeros(2, dtype: torch.float64), torch.ones(2, dtype: torch.float64)), {Address(t)});");
                Line(indent, $"acc += {t}.sum().ToDouble();");
                break;
            }
            case 12:
            {
                // An effect in a lambda: the generator cannot rewrite it and falls back (PPL0008).
                var f = Fresh("f");
                Line(indent, $"Func<double> {f} = () => Sample(Normal(0, 1), \"{f}\");");
                Line(indent, $"acc += {f}();");
                break;
            }
            default:
            {
                var v = Fresh("z");
                Line(indent, $"var {v} = Sample(DiscreteUniform(0, 3), {Address(v)});");
                scope.Add("(double)" + v);
                break;
            }
        }
    }

    /// <summary>The comment that marks a straight-line model in <see cref="Class"/>'s output.</summary>
    public const string StraightMark = "        // straight-line";

    /// <summary>A top-level statement of a straight-line model (production <paramref name="production"/>).</summary>
    private void StraightStatement(List<string> scope, string indent, int production)
    {
        switch (production)
        {
            case 0:
            {
                var v = Fresh("v");
                Line(indent, $"var {v} = Sample({Continuous(scope)});");
                scope.Add(v);
                break;
            }
            case 1:
            {
                var v = Fresh("e");
                Line(indent, $"double {v} = Sample({Continuous(scope)}, \"{v}\");");
                scope.Add(v);
                break;
            }
            case 2:
                Line(indent, $"Observe(Normal({Expr(scope, 1)}, 1), {Expr(scope, 1)}, \"{Fresh("o")}\");");
                break;
            case 3:
                Line(indent, $"acc += {Expr(scope, 0)};");
                break;
            case 4:
            {
                var l = Fresh("l");
                Line(indent, $"var {l} = {Expr(scope, 0)};");
                scope.Add(l);
                break;
            }
            case 5:
            {
                var a = Fresh("arr");
                Line(indent, $"var {a} = new double[2];");
                Line(indent, $"{a}[1] = {Expr(scope, 1)};");
                scope.Add(a + "[1]");
                break;
            }
            case 6:
            {
                var f = Fresh("g");
                Line(indent, $"Func<double, double> {f} = q => q * {Expr(scope, 1)};");
                scope.Add(f + "(0.5)");
                break;
            }
            case 7:
                Line(indent, $"checked {{ acc += (long)Math.Round(Math.Tanh({Expr(scope, 1)})); }}");
                break;
            case 8:
            {
                var t = Fresh("text");
                Line(indent, $"var {t} = $\"{{{Expr(scope, 1)}:F2}}\";");
                Line(indent, $"acc += {t}.Length;");
                break;
            }
            default:
                Line(indent, $"if ({Expr(scope, 1)} > 100) throw new InvalidOperationException(\"too big\");");
                break;
        }
    }

    private void Block(List<string> scope, int depth, string indent, string? inLoop)
    {
        Line(indent, "{");
        var inner = new List<string>(scope);
        var count = 1 + Next(3);
        for (var k = 0; k < count; k++) Statement(inner, depth + 1, indent + "    ", inLoop);
        Line(indent, "}");
    }

    // ---------------------------------------------------------------- differentiable models

    /// <summary>
    /// A class G with <paramref name="models"/> random differentiable models <c>D0(double[] data, double x)</c>, …:
    /// continuous double choices from Normal, HalfNormal, LogNormal, Gamma, Beta and Uniform whose parameters are
    /// built from earlier choices with arithmetic and Math functions (a Uniform's bounds move with them), loops over
    /// the data array with observations and families of choices, branches on data (which may hold sites) and on
    /// random values (which change only values: both arms visit the same kinds of sites, so the model keeps a fixed
    /// set of coordinates), locals, arrays of choices, vector and matrix choices (simplex, multivariate normal, ordered,
    /// LKJ-Cholesky) and factors. Every parameter stays in its domain (positive
    /// ones are <c>exp(tanh(…))</c>), and every function is smooth away from the branches, so the form's value and
    /// gradient can be checked by finite differences at random points.
    /// </summary>
    public static string DifferentiableClass(int[] picks, int models)
    {
        var w = new FuzzModels(picks);
        var sb = w._sb;
        sb.Append(Harness.Usings);
        sb.AppendLine("public static partial class G");
        sb.AppendLine("{");
        for (var m = 0; m < models; m++)
        {
            sb.AppendLine($"    [Model] public static double D{m}(double[] data, double x)");
            sb.AppendLine("    {");
            sb.AppendLine("        var acc = 0.0;");
            var scope = new List<string> { "x", "acc" };
            // At least one choice, so that the density has a coordinate.
            w.DiffSite(scope, "        ", null);
            var count = 2 + w.Next(5);
            for (var k = 0; k < count; k++) w.DiffStatement(scope, 0, "        ", null);
            sb.AppendLine("        return acc + " + w.DiffExpr(scope, 0) + ";");
            sb.AppendLine("    }");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>A real expression over the scope: arithmetic, smooth Math functions and conditionals (kept finite at moderate values).</summary>
    private string DiffExpr(List<string> scope, int depth)
    {
        switch (depth > 2 ? Next(2) : Next(8))
        {
            case 0: return scope[Next(scope.Count)];
            case 1: return (Next(7) - 3).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".5";
            case 2:
            {
                var op = Next(3) switch { 0 => " + ", 1 => " - ", _ => " * " };
                return "(" + DiffExpr(scope, depth + 1) + op + DiffExpr(scope, depth + 1) + ")";
            }
            case 3:
            {
                var f = Next(4) switch { 0 => "Tanh", 1 => "Sin", 2 => "Cos", _ => "Atan" };
                return $"Math.{f}({DiffExpr(scope, depth + 1)})";
            }
            case 4:
            {
                var a = DiffExpr(scope, depth + 1);
                return Next(4) switch
                {
                    0 => $"Math.Log(1 + {a} * {a})",
                    1 => $"Math.Sqrt(1 + {a} * {a})",
                    2 => $"Math.Pow({Positive(a)}, 1.5)",
                    _ => Positive(a),
                };
            }
            case 5: return "(" + DiffExpr(scope, depth + 1) + " > 0 ? " + DiffExpr(scope, depth + 1) + " : " + DiffExpr(scope, depth + 1) + ")";
            default: return scope[scope.Count - 1 - Next(Math.Min(3, scope.Count))];
        }
    }

    /// <summary>A smooth positive function of <paramref name="e"/>, between 1/e and e.</summary>
    private static string Positive(string e) => $"Math.Exp(Math.Tanh({e}))";

    /// <summary>A continuous family whose parameters depend on the scope, always in their domains.</summary>
    private string DiffContinuous(List<string> scope) => Next(6) switch
    {
        0 => $"Normal({DiffExpr(scope, 1)}, {Positive(DiffExpr(scope, 2))})",
        1 => $"HalfNormal({Positive(DiffExpr(scope, 1))})",
        2 => $"LogNormal(Math.Tanh({DiffExpr(scope, 1)}), {Positive(DiffExpr(scope, 2))})",
        3 => $"Gamma(1 + {Positive(DiffExpr(scope, 1))}, {Positive(DiffExpr(scope, 2))})",
        4 => $"Beta({Positive(DiffExpr(scope, 1))}, {Positive(DiffExpr(scope, 2))})",
        // Bounds that move with earlier choices: lower in (−1, 1), upper in (1 + 1/e, 1 + e).
        _ => $"Uniform(Math.Tanh({DiffExpr(scope, 1)}), 1 + {Positive(DiffExpr(scope, 2))})",
    };

    /// <summary>A continuous choice: an inferred address at the top level, a family over the loop variable inside a loop.</summary>
    private void DiffSite(List<string> scope, string indent, string? inLoop)
    {
        var v = Fresh(inLoop == null ? "v" : "e");
        var explicitType = Next(2) == 0 ? "double" : "var";
        Line(indent, inLoop == null && Next(2) == 0
            ? $"{explicitType} {v} = Sample({DiffContinuous(scope)});"
            : $"{explicitType} {v} = Sample({DiffContinuous(scope)}, \"{v}\"{(inLoop == null ? "" : ", " + inLoop)});");
        scope.Add(v);
    }

    private void DiffStatement(List<string> scope, int depth, string indent, string? inLoop)
    {
        string Address(string name) => inLoop == null ? $"\"{name}\"" : $"\"{name}\", {inLoop}";
        switch (depth >= 2 ? Next(5) : Next(11))
        {
            case 0:
                DiffSite(scope, indent, inLoop);
                break;
            case 1:
                Line(indent, $"Observe(Normal({DiffExpr(scope, 1)}, {Positive(DiffExpr(scope, 2))}), {(inLoop == null ? "x" : $"data[{inLoop}]")}, {Address(Fresh("o"))});");
                break;
            case 2:
            {
                var a = DiffExpr(scope, 1);
                Line(indent, $"Factor(-0.5 * Math.Tanh({a}) * Math.Tanh({a}));");
                break;
            }
            case 3:
                Line(indent, $"acc += {DiffExpr(scope, 0)};");
                break;
            case 4:
            {
                var l = Fresh("l");
                Line(indent, $"{(Next(2) == 0 ? "double" : "var")} {l} = {DiffExpr(scope, 0)};");
                scope.Add(l);
                break;
            }
            case 5 when inLoop == null:
            {
                // A loop over the data: observations of each element and, now and then, a family of choices.
                var i = Fresh("i");
                Line(indent, $"for (var {i} = 0; {i} < data.Length; {i}++)");
                var inner = new List<string>(scope) { $"data[{i}]", $"(double){i}" };
                Line(indent, "{");
                if (Next(2) == 0) DiffSite(inner, indent + "    ", i);
                Line(indent + "    ", $"Observe(Normal({DiffExpr(inner, 1)}, {Positive(DiffExpr(inner, 2))}), data[{i}], \"{Fresh("y")}\", {i});");
                var count = Next(3);
                for (var k = 0; k < count; k++) DiffStatement(inner, depth + 1, indent + "    ", i);
                Line(indent, "}");
                break;
            }
            case 5:
            case 6:
            {
                // A branch on data: the arms may visit different sites (the data fix which).
                var test = inLoop == null ? "data.Length > 1 && data[0] > 0" : $"data[{inLoop}] > 0.5";
                Line(indent, $"if ({test})");
                DiffBlock(scope, depth, indent, inLoop);
                Line(indent, "else");
                DiffBlock(scope, depth, indent, inLoop);
                break;
            }
            case 7:
            {
                // A branch on a random value that changes values only.
                var l = Fresh("l");
                Line(indent, $"var {l} = 0.0;");
                Line(indent, $"if ({DiffExpr(scope, 1)} > 0) {l} = {DiffExpr(scope, 1)};");
                Line(indent, $"else {{ {l} = {DiffExpr(scope, 1)}; acc -= {DiffExpr(scope, 2)}; }}");
                scope.Add(l);
                break;
            }
            case 8:
            {
                // A branch on a random value whose arms observe the same value under different distributions.
                var o = Fresh("o");
                var value = inLoop == null ? "x" : $"data[{inLoop}]";
                Line(indent, $"if ({DiffExpr(scope, 1)} > 0) Observe(Normal({DiffExpr(scope, 1)}, 1), {value}, {Address(o)});");
                Line(indent, $"else Observe(Normal({DiffExpr(scope, 1)}, {Positive(DiffExpr(scope, 2))}), {value}, {Address(o)});");
                break;
            }
            case 9 when inLoop == null:
            {
                // An array of choices, one per datum, summed in a second loop.
                var a = Fresh("w");
                var i = Fresh("i");
                Line(indent, $"var {a} = new double[data.Length];");
                Line(indent, $"for (var {i} = 0; {i} < data.Length; {i}++) {a}[{i}] = Sample({DiffContinuous(scope)}, \"{a}\", {i});");
                var j = Fresh("i");
                Line(indent, $"for (var {j} = 0; {j} < {a}.Length; {j}++) acc += {a}[{j}] * {DiffExpr(scope, 2)};");
                break;
            }
            case 10 when inLoop == null:
                DiffVectorSite(scope, indent);
                break;
            default:
                Line(indent, $"acc *= {Positive(DiffExpr(scope, 1))};");
                break;
        }
    }

    /// <summary>
    /// A vector- or matrix-valued choice (a simplex, a multivariate normal draw, an ordered vector, a correlation Cholesky
    /// factor) whose parameters depend on the scope, its entries read into the scope.
    /// </summary>
    private void DiffVectorSite(List<string> scope, string indent)
    {
        var v = Fresh("m");
        switch (Next(5))
        {
            case 0:
                Line(indent, $"var {v} = Sample(Dirichlet(new[] {{ {Positive(DiffExpr(scope, 1))}, {Positive(DiffExpr(scope, 2))}, 1.5 }}), \"{v}\");");
                scope.Add($"{v}[0]");
                scope.Add($"{v}[2]");
                break;
            case 1:
                Line(indent, $"var {v} = Sample(MvNormal(new[] {{ {DiffExpr(scope, 1)}, {DiffExpr(scope, 2)} }}, new double[,] {{ {{ 1.0, 0.3 }}, {{ 0.3, 0.5 }} }}), \"{v}\");");
                scope.Add($"{v}[1]");
                break;
            case 2:
            {
                // A covariance factor built from the scope: a positive diagonal and a free off-diagonal entry.
                var f = Fresh("f");
                Line(indent, $"var {f} = new double[2, 2];");
                Line(indent, $"{f}[0, 0] = {Positive(DiffExpr(scope, 1))}; {f}[1, 0] = Math.Tanh({DiffExpr(scope, 2)}); {f}[1, 1] = {Positive(DiffExpr(scope, 2))};");
                Line(indent, $"var {v} = Sample(MvNormalCholesky(new[] {{ 0.0, {DiffExpr(scope, 2)} }}, {f}), \"{v}\");");
                scope.Add($"{v}[0]");
                break;
            }
            case 3:
                Line(indent, $"var {v} = Sample(Ordered(Normal({DiffExpr(scope, 1)}, {Positive(DiffExpr(scope, 2))}), 3), \"{v}\");");
                scope.Add($"{v}[0]");
                scope.Add($"{v}[2]");
                break;
            default:
                Line(indent, $"var {v} = Sample(LkjCholesky(3, {Positive(DiffExpr(scope, 1))}), \"{v}\");");
                scope.Add($"{v}[2, 1]");
                break;
        }
    }

    private void DiffBlock(List<string> scope, int depth, string indent, string? inLoop)
    {
        Line(indent, "{");
        var inner = new List<string>(scope);
        var count = 1 + Next(3);
        for (var k = 0; k < count; k++) DiffStatement(inner, depth + 1, indent + "    ", inLoop);
        Line(indent, "}");
    }
}
