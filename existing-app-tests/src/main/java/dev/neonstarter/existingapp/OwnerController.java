package dev.neonstarter.existingapp;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
public class OwnerController {

	private final OwnerService owners;

	public OwnerController(OwnerService owners) {
		this.owners = owners;
	}

	@GetMapping("/owners")
	public String list(@RequestParam(defaultValue = "") String name, Model model) {
		model.addAttribute("owners", this.owners.search(name));
		return "owners";
	}

	@PostMapping("/owners")
	public String add(@RequestParam String name) {
		this.owners.add(name);
		return "redirect:/owners";
	}

}
