"""
## What it does
Checks that a function's package settings match its package type. A container image function
(`PackageType: Image`) must have an image URI (CloudFormation `Code.ImageUri`, SAM `ImageUri`,
Terraform `image_uri`) and must not set `Handler`, `Runtime` or `Layers`. A .zip function (the
default package type, including inline `Code.ZipFile` / SAM `InlineCode`) must set both
`Handler` and `Runtime`. SAM `Globals` values count. A SAM image function built by `sam build`
from `Metadata.Dockerfile` gets its image URI at build time.

## Why is this bad?
Lambda rejects the function: "Handler is required if the deployment package is a .zip file
archive" (same for Runtime), an image function needs an image, and layers, handler and runtime
belong to .zip packages (an image carries its own runtime and entry point).

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Runtime: python3.12   # expect: LL105
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1
      ImageConfig:
        Command: [app.handler]
```

## References
- [AWS Lambda API Reference, *CreateFunction*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html): "Handler is
  required if the deployment package is a .zip file archive", and the same for `Runtime`
- [AWS Lambda Developer Guide, *Working with layers*](https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html): "You can
  use layers only with Lambda functions deployed as a .zip file archive"
- [CloudFormation, *AWS::Lambda::Function Code*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html):
  `ImageUri` for container images; "For Node.js and Python functions, you can specify the
  function code inline"; the API error "Using the ZipFile attribute requires a runtime to be
  specified"
- cfn-lint E3685 (properties an image function must not have)
"""
from lambdalint.rulehelpers import key_source
from lambdalint.rulekit import Issue, Rule, Sure, Unsure, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Either, Known, Unknown, items, known_str

RULE = Rule(
    id="LL105",
    name="package-type-mismatch",
    severity="error",
    summary="Image function with Handler/Runtime/Layers or no image URI; Zip function without Handler or Runtime",
)

IMAGE_EXCLUDED = (("handler", "Handler"), ("runtime", "Runtime"))


def set_unknown(value) -> bool:
    return any(isinstance(leaf, Unknown) for leaf in value.leaves())


def _globals(fn, key: str) -> str:
    return " (from SAM Globals)" if key in fn.inherited else ""


def check(model, fn, options):
    package = fn.package_type
    package_name = native_name(package, "PackageType")
    if isinstance(package, Unknown):
        yield blocked(fn, package, "PackageType")
        return
    if isinstance(package, Either) or not isinstance(package, Known):
        return  # a conditional package type: handler/runtime are usually conditional too
    kind = (known_str(package) or "").lower()
    if kind == "image":
        for attr, key in IMAGE_EXCLUDED:
            for leaf in getattr(fn, attr).leaves():
                if not leaf.absent:
                    yield Issue(fn, f"{fn.name}: {native_name(leaf, key)}{_globals(fn, key)} is set on a container "
                                    f"image function ({package_name} Image); an image carries its own runtime "
                                    f"and entry point (use ImageConfig to override the command)", leaf.source)
                    break
        for leaf in fn.layers.leaves():
            if not leaf.absent and items(leaf) != []:
                yield Issue(fn, f"{fn.name}: {native_name(leaf, 'Layers')}{_globals(fn, 'Layers')} are set on a "
                                f"container image function; layers work only with .zip packages (add their "
                                f"content to the image)", key_source(leaf.source, "Layers"))
                break
        if any(set_unknown(getattr(fn, attr)) for attr, _key in IMAGE_EXCLUDED):
            yield Sure(fn, "only whether Handler/Runtime are set matters, not their values")
        image_name = native_name(fn.image_uri, "ImageUri")
        if isinstance(fn.image_uri, Unknown):
            yield Unsure(fn, f"image URI ({image_name}) <- {fn.image_uri.reason}", fn.image_uri.source,
                         fn.image_uri.cause)
        elif all(leaf.absent for leaf in fn.image_uri.leaves()):
            yield Issue(fn, f"{fn.name}: {package_name} is Image but no image URI is given ({image_name})",
                        fn.source)
    elif kind == "zip":
        missing = [native_name(getattr(fn, attr), key) for attr, key in IMAGE_EXCLUDED
                   if all(leaf.absent for leaf in getattr(fn, attr).leaves())]
        maybe_unset = [leaf for attr, _key in IMAGE_EXCLUDED for leaf in getattr(fn, attr).leaves()
                       if isinstance(leaf, Unknown) and leaf.nullable]
        if not missing and maybe_unset:
            for leaf, (_attr, key) in ((leaf, pair) for pair in IMAGE_EXCLUDED
                                       for leaf in getattr(fn, pair[0]).leaves() if leaf in maybe_unset):
                yield blocked(fn, leaf, key)
            return
        if not missing:
            yield Sure(fn, "only whether Handler/Runtime are set matters, not their values")
        if missing:
            what = " and ".join(missing)
            # a package type without a property of its own is the format's default
            default = "" if native_name(package, "") else ", the default"
            yield Issue(fn, f"{fn.name}: a .zip function ({package_name} Zip{default}) needs {what}; {what} "
                            f"{'is' if len(missing) == 1 else 'are'} not set", fn.source)
