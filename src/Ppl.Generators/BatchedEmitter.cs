using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Ppl.Generators
{
    /// <summary>
    /// Writes the batched form of a model that <see cref="BatchedLowering"/> lowered: a <c>BatchedModel</c>
    /// property <c>{Method}Batched</c> over a private body method that takes the <c>BatchedTracer</c>.
    /// The runtime types are named in the text: this analyzer cannot reference TorchSharp.
    /// </summary>
    internal static class BatchedEmitter
    {
        public static void Emit(StringBuilder sb, ModelData b)
        {
            if (b.BatchedBody == null || b.BatchedReturnType == null) return;
            var m = b.MethodName;
            var model = "global::Ppl.Inference.Batched.BatchedModel<" + b.ArgsType + ", " + b.BatchedReturnType + ">";
            var parameters = string.Join(", ", b.Parameters.Select(p => p.Type + " " + Escape(p.Name)));
            var unpack = b.Parameters.Count switch
            {
                0 => "",
                1 => ", args",
                _ => ", " + string.Join(", ", b.Parameters.Select((p, i) => "args.Item" + (i + 1))),
            };
            sb.AppendLine();
            sb.AppendLine($"    /// <summary>");
            sb.AppendLine($"    /// The batched form of <see cref=\"{m}\"/> (generated): one run stands for N particles or chains, each random");
            sb.AppendLine($"    /// choice a tensor with leading dimension N; for batched importance sampling, SMC, many-chain HMC and VI.");
            sb.AppendLine($"    /// </summary>");
            sb.AppendLine($"    {b.Access} static {model} {m}Batched {{ get; }} = new {model}({SymbolDisplay.FormatLiteral(b.ModelName, quote: true)}, static (__bt, args) => __{m}BatchedBody(__bt{unpack}));");
            sb.AppendLine();
            sb.AppendLine($"    /// <summary>The body of <see cref=\"{m}\"/> lowered to tensors over a batched tracer (generated).</summary>");
            sb.AppendLine($"    private static {b.BatchedReturnType} __{m}BatchedBody(global::Ppl.Inference.Batched.BatchedTracer __bt{(parameters.Length > 0 ? ", " + parameters : "")})");
            sb.AppendLine(b.BatchedBody);
            if (b.BatchedTensorArgsBody == null)
            {
                if (b.Parameters.Any(p => p.Type == "double")) return;
                // No double argument: the same body, callable on the caller's tracer (e.g. an SMC initial-state program).
                sb.AppendLine();
                sb.AppendLine($"    /// <summary>The batched body of <see cref=\"{m}\"/>, run on the caller's tracer: e.g. the initial-state program of a <c>BatchedStateSpaceModel</c> (generated).</summary>");
                sb.AppendLine($"    {b.Access} static {b.BatchedReturnType} {m}BatchedBody(global::Ppl.Inference.Batched.BatchedTracer __bt{(parameters.Length > 0 ? ", " + parameters : "")}) => __{m}BatchedBody(__bt{string.Concat(b.Parameters.Select(p => ", " + Escape(p.Name)))});");
                return;
            }
            var tensorParameters = string.Join(", ", b.Parameters.Select(p => (p.Type == "double" ? "global::TorchSharp.torch.Tensor" : p.Type) + " " + Escape(p.Name)));
            sb.AppendLine();
            sb.AppendLine($"    /// <summary>");
            sb.AppendLine($"    /// The batched body of <see cref=\"{m}\"/> with its double arguments per particle (tensors, leading dimension N, or");
            sb.AppendLine($"    /// shared 0-d tensors), run on the caller's tracer: e.g. a step of <c>BatchedStateSpaceModel</c> given the previous state (generated).");
            sb.AppendLine($"    /// </summary>");
            sb.AppendLine($"    {b.Access} static {b.BatchedReturnType} {m}BatchedBody(global::Ppl.Inference.Batched.BatchedTracer __bt, {tensorParameters})");
            sb.AppendLine(b.BatchedTensorArgsBody);
        }

        private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
