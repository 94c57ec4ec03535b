using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Ppl.Generators.Ir;
using Xunit;

namespace Ppl.Generators.Tests.Ir;

/// <summary>Builds the generator's IR of a small model (sites found as the generator finds them) and asks it questions by name.</summary>
internal static class IrHarness
{
    /// <summary>The IR of <c>M</c> with <paramref name="body"/>, and the number of static slots the generator found.</summary>
    public static (ModelIr Ir, int Slots) Build(string body, string signature = "public static double M(double x)")
    {
        var compilation = Harness.Compilation(Harness.Model(body, signature));
        var tree = compilation.SyntaxTrees.Single();
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var model = compilation.GetSemanticModel(tree);
        var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == "M");
        var method = (IMethodSymbol)model.GetDeclaredSymbol(declaration)!;
        var builder = new ModelBuilder(model, method, declaration, CancellationToken.None);
        var ir = builder.BuildIr();
        Assert.NotNull(ir);
        Assert.True(ir.Complete);
        return (ir, builder.StaticSlots);
    }

    /// <summary>The variable (local or parameter) called <paramref name="name"/>.</summary>
    public static IrVariable Variable(this ModelIr ir, string name) => ir.Variables.Values.Single(v => v.Symbol.Name == name);

    /// <summary>The site whose static name or family is <paramref name="name"/>.</summary>
    public static IrSite Site(this ModelIr ir, string name) => ir.Sites.Single(s => (s.Site.StaticName ?? s.Site.FamilyName) == name);

    /// <summary>True when site <paramref name="site"/>'s choice reaches variable <paramref name="variable"/> (its value or elements) by <paramref name="allowed"/> steps.</summary>
    public static bool Reaches(this ModelIr ir, string site, string variable, FlowPath allowed)
    {
        var id = ir.Site(site).Index;
        var v = ir.Variable(variable);
        return v.Value.Reaches(s => s == id, allowed) || v.Contents.Reaches(s => s == id, allowed);
    }

    /// <summary>True when site <paramref name="site"/>'s choice reaches variable <paramref name="variable"/> by any path at all.</summary>
    public static bool DependsAtAll(this ModelIr ir, string site, string variable) => ir.Reaches(site, variable, FlowPath.Derived | FlowPath.Conservative);
}
